package dev.multifetch.core.exchange;

import dev.multifetch.core.Headers;

/**
 * What an exchange knows of its response so far, whatever the protocol: the head once it
 * arrived, the body bytes taken, the trailers at the end. Driving thread only.
 */
public interface ResponseProgress {

    /** The final status, or 0 before the head. */
    int status();

    /** The reason phrase (empty for HTTP/2). */
    String reason();

    /** {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2}. */
    String version();

    /** The final response's fields. */
    Headers headers();

    /** Trailer fields, empty if none. */
    Headers trailers();

    /** Body bytes received (before content decoding). */
    long bodySize();

    /** The announced body length, -1 if unknown. */
    long contentLength();

    /** Whether any byte of a response arrived. */
    boolean receivedAny();

    /** Whether the connection may carry another exchange after this one. */
    boolean connectionReusable();
}
