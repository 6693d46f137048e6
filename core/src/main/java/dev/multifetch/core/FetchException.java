package dev.multifetch.core;

import java.io.IOException;
import java.util.Objects;

/**
 * The failure of one transfer: one {@link FetchError} and a message that says what happened.
 * A fetch future completes exceptionally with this (wrapped by {@code CompletableFuture#join}
 * in a {@code CompletionException}).
 */
public class FetchException extends IOException {

    private static final long serialVersionUID = 1L;

    private final FetchError error;

    /** Creates an exception for {@code error}, which must not be {@link FetchError#OK}. */
    public FetchException(FetchError error, String message) {
        this(error, message, null);
    }

    /** Creates an exception for {@code error} with its first cause. */
    public FetchException(FetchError error, String message, Throwable cause) {
        super(error + ": " + message, cause);
        if (Objects.requireNonNull(error, "error") == FetchError.OK) {
            throw new IllegalArgumentException("a FetchException cannot carry OK");
        }
        this.error = error;
    }

    /** The reason this transfer failed. */
    public FetchError error() {
        return error;
    }
}
