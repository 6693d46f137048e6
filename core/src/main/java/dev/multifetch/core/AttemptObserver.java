package dev.multifetch.core;

import java.util.Map;

/**
 * Told of each attempt of the transfer it is attached to ({@link Transfer#attach}): the first
 * request, each redirect hop, each retry, each repeat (after a 417 or a proxy's 407). Called on
 * the driving thread: it must not block; what it throws is logged and ignored.
 */
public interface AttemptObserver {

    /** Attempt {@code attempt} (from 1) starts, for {@code url}. */
    void attemptStarted(int attempt, String url);

    /**
     * Header fields to set on the request of the attempt that just started (asked right after
     * {@link #attemptStarted}, on the driving thread), each replacing any field of the same name,
     * for this attempt and the later ones until replaced again: an attempt's own
     * {@code traceparent}, say. None by default.
     */
    default Map<String, String> attemptHeaders() {
        return Map.of();
    }

    /** Attempt {@code attempt} ended with a response of {@code status}, or with {@code failure} (status 0). */
    void attemptEnded(int attempt, int status, FetchException failure);
}
