package dev.multifetch.autoconfigure.observation;

import java.util.List;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.propagation.Propagator;

/**
 * Writes a W3C {@code traceparent} for {@link io.micrometer.tracing.test.simple.SimpleTracer},
 * whose trace ids are 64-bit: they are left-padded with zeros to the 128 bits the header carries,
 * as Brave does with its 64-bit ids. Injection only: tests here never extract.
 */
final class W3cPropagator implements Propagator {

    static final String TRACEPARENT = "traceparent";

    @Override
    public List<String> fields() {
        return List.of(TRACEPARENT);
    }

    @Override
    public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
        setter.set(carrier, TRACEPARENT, "00-" + traceId(context.traceId()) + "-" + context.spanId() + "-"
                + (Boolean.FALSE.equals(context.sampled()) ? "00" : "01"));
    }

    /** {@code traceId} as the 32 hex digits of a traceparent. */
    static String traceId(String traceId) {
        return "0".repeat(32 - traceId.length()) + traceId;
    }

    @Override
    public <C> Span.Builder extract(C carrier, Getter<C> getter) {
        throw new UnsupportedOperationException("extract");
    }
}
