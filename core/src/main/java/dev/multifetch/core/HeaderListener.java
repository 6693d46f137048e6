package dev.multifetch.core;

/**
 * Hears every response head of a transfer as it arrives: interim 1xx responses, the heads of
 * redirects being followed, the final response, and chunked trailers (libcurl's header
 * callback, one call per head instead of per line). Called on the selector thread: must not
 * block. A listener that throws ends the transfer with {@link FetchError#ABORTED_BY_CALLBACK}.
 */
@FunctionalInterface
public interface HeaderListener {

    /** A response head: {@code interim} for 1xx responses that the final response follows. */
    void onHeaders(int status, String httpVersion, Headers headers, boolean interim) throws Exception;

    /** Trailer fields that followed a chunked body. */
    default void onTrailers(Headers trailers) throws Exception {
    }
}
