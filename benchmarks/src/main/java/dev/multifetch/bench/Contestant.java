package dev.multifetch.bench;

import java.net.URI;

/**
 * One HTTP client under test: it sends GET requests asynchronously and reports each outcome to
 * the callback, on whatever thread the client completes on. Implementations read the whole body
 * into memory, as multifetch does, so every contestant does the same work per request.
 */
interface Contestant extends AutoCloseable {

    /** Where a contestant reports one finished request. */
    @FunctionalInterface
    interface Callback {

        /** The request ended: {@code status} and {@code bodyBytes}, or a non-null {@code failure}. */
        void done(int status, long bodyBytes, Throwable failure);
    }

    /** Sends one GET to {@code uri}; never throws, reports every outcome to {@code callback}. */
    void get(URI uri, Callback callback);

    /** Closes the client and every connection it holds, as far as it can. */
    @Override
    void close();
}
