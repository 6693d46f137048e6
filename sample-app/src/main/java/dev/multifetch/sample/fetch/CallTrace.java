package dev.multifetch.sample.fetch;

import java.util.function.Supplier;

import io.micrometer.observation.Observation;

/**
 * The trace of the API call that fetches are made for: the observation current where the call is
 * handled (the server's {@code http.server.requests}, which continues an inbound
 * {@code traceparent}) and its trace id. A fetch started {@link #within} it is a child of the call
 * whichever thread starts it (a batch starts its next fetch where the last one completed), so the
 * engine's observation of the fetch, and the {@code traceparent} the fetched URL receives, continue
 * the call's trace.
 *
 * @param observation the call's observation, or {@code null} when nothing observes it
 * @param traceId the call's trace id, or {@code null} without a tracer
 */
public record CallTrace(Observation observation, String traceId) {

    /** No trace: fetches start as they would without one. */
    public static final CallTrace NONE = new CallTrace(null, null);

    /** Runs {@code start} with the call's observation current on this thread, and only for that long. */
    <T> T within(Supplier<T> start) {
        if (this.observation == null) {
            return start.get();
        }
        try (Observation.Scope scope = this.observation.openScope()) {
            return start.get();
        }
    }
}
