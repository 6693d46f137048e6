package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;

/**
 * A protocol failure of one transfer: the URL could not be used, or the server's bytes broke
 * HTTP/1.1. Carries the {@link FetchError} it maps to; the message quotes the offending input.
 */
public final class HttpException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient FetchError error;

    /** Creates an exception for {@code error}. */
    public HttpException(FetchError error, String message) {
        super(message);
        this.error = error;
    }

    /** What this failure means for the transfer. */
    public FetchError error() {
        return error;
    }
}
