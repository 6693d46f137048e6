package dev.multifetch.core;

/**
 * What the multi handle wants watched on one socket. libcurl: {@code CURL_POLL_*}.
 */
public enum PollAction {
    /** Register, interested in nothing yet. libcurl: CURL_POLL_NONE (never passed in practice). */
    NONE,
    /** Watch for readability. libcurl: CURL_POLL_IN. */
    IN,
    /** Watch for writability (or, while a TCP connect is pending, its completion). libcurl: CURL_POLL_OUT. */
    OUT,
    /** Watch for both. libcurl: CURL_POLL_INOUT. */
    INOUT,
    /**
     * Stop watching this socket. Sent exactly once before the multi handle closes a socket it
     * announced; it may also mean "no interest for now", and the same socket may come back.
     * The socketp given by {@link Multi#assign} is dropped. libcurl: CURL_POLL_REMOVE.
     */
    REMOVE;

    /** Whether this action asks for read readiness. */
    public boolean wantsRead() {
        return this == IN || this == INOUT;
    }

    /** Whether this action asks for write readiness. */
    public boolean wantsWrite() {
        return this == OUT || this == INOUT;
    }

    /** The action for the given interest; {@link #REMOVE} when neither is wanted. */
    public static PollAction of(boolean read, boolean write) {
        if (read && write) {
            return INOUT;
        }
        return read ? IN : write ? OUT : REMOVE;
    }
}
