package dev.multifetch.sample.fetch;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

/** Tells the trace of the API call handled on the current thread. Thread-safe. */
public final class CallTraces {

    private final ObservationRegistry registry;

    private final Tracer tracer;

    /** Reads the current observation from {@code registry} and the current span from {@code tracer}. */
    public CallTraces(ObservationRegistry registry, Tracer tracer) {
        this.registry = registry;
        this.tracer = tracer;
    }

    /**
     * The trace of the call handled on this thread. Its trace id is there whether or not the trace
     * is sampled (an unsampled trace still propagates, with flags {@code 00}); {@code null} when
     * nothing traces the call.
     */
    public CallTrace current() {
        Span span = this.tracer.currentSpan();
        String traceId = (span != null) ? span.context().traceId() : null;
        return new CallTrace(this.registry.getCurrentObservation(), (traceId == null || traceId.isEmpty()) ? null : traceId);
    }
}
