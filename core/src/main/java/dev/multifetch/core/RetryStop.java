package dev.multifetch.core;

/**
 * Why a response of a status the retry policy retries (or a retryable failure) was not retried:
 * {@link FetchResponse#retryStop()}; {@link FetchResponse#retryStopped()} says it in words with the
 * figures. Meant for metrics and branching, so that no one parses the words.
 */
public enum RetryStop {

    /** The policy's {@code maxRetries} (or the request's {@code retries}) were used up. */
    NO_RETRIES_LEFT("no-retries-left"),

    /** The method is not idempotent, its request was sent, and the policy does not repeat such. */
    NOT_IDEMPOTENT("not-idempotent"),

    /** The server's Retry-After asked for a wait beyond the policy's {@code maxRetryAfter}. */
    MAX_RETRY_AFTER("max-retry-after"),

    /** The next retry would have started past the policy's {@code maxRetryTime}. */
    MAX_RETRY_TIME("max-retry-time"),

    /** The retry budget of the host (or of the engine) was spent. */
    BUDGET("budget");

    private final String tag;

    RetryStop(String tag) {
        this.tag = tag;
    }

    /** A short lower-case name for a metric tag: {@code no-retries-left}, {@code budget}, ... */
    public String tag() {
        return tag;
    }
}
