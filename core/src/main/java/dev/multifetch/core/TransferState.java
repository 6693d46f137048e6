package dev.multifetch.core;

/**
 * Where a transfer is in its life, with libcurl's state names. Every change goes through one
 * method of the multi handle, as curl's {@code mstate()}.
 *
 * <p>libcurl: {@code CURLMstate} in {@code lib/multihandle.h}.
 */
public enum TransferState {
    /** Added, not yet run. */
    INIT,
    /** Waiting for a connection slot (a connection limit was reached). Counts as running. */
    PENDING,
    /** The URL is parsed; about to look for a connection. */
    SETUP,
    /** Looking for a connection: reuse one from the cache or start a new one. */
    CONNECT,
    /** Waiting for the host name to resolve (off the driving thread). */
    RESOLVING,
    /** A TCP connect is in progress. */
    CONNECTING,
    /** Connected; protocol setup (the TLS handshake for https) in progress. */
    PROTOCONNECT,
    /** Sending the request. */
    DO,
    /** The request is sent. */
    DID,
    /** Receiving the response. */
    PERFORMING,
    /** The transfer has its result; the connection is being returned or closed. */
    DONE,
    /** Finished; the DONE message is about to be posted. */
    COMPLETED,
    /** The DONE message has been posted; no longer running. */
    MSGSENT;

    /** Whether the transfer no longer counts in the running handles. */
    public boolean isFinished() {
        return this == MSGSENT;
    }
}
