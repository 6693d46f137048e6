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
    private int attempts = 1;
    private RetryStop retryStop;
    private String retryStopped;

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

    /** Attempts the transfer made before it failed: 1, plus one per retry. */
    public int attempts() {
        return attempts;
    }

    /**
     * Why the failure, though of a kind the retry policy retries, was not retried again (no
     * retries left, a request not idempotent, the budget spent, ...), or null: not retryable, or
     * no retry policy.
     */
    public RetryStop retryStop() {
        return retryStop;
    }

    /** {@link #retryStop()} in words with the figures, or null. */
    public String retryStopped() {
        return retryStopped;
    }

    /** Records the retries of the transfer this failure ends, before it is published. */
    FetchException withRetries(int attempts, RetryStop retryStop, String retryStopped) {
        this.attempts = attempts;
        this.retryStop = retryStop;
        this.retryStopped = retryStopped;
        return this;
    }
}
