package dev.multifetch.core;

/**
 * Bits for the {@code events} argument of {@link Multi#socketAction}: what the event loop saw
 * on a socket. 0 means "unknown, check". libcurl: {@code CURL_CSELECT_IN/OUT/ERR}.
 */
public final class CSelect {

    /** The socket is readable. libcurl: CURL_CSELECT_IN. */
    public static final int IN = 1;
    /** The socket is writable, or its connect finished. libcurl: CURL_CSELECT_OUT. */
    public static final int OUT = 2;
    /** The socket has an error condition. libcurl: CURL_CSELECT_ERR. */
    public static final int ERR = 4;

    private CSelect() {
    }
}
