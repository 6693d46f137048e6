package dev.multifetch.autoconfigure.observation;

import java.util.List;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleTracer;

/**
 * Writes a W3C {@code traceparent} for {@link SimpleTracer}, whose trace ids are 64-bit: they are
 * left-padded with zeros to the 128 bits the header carries, as Brave does with its 64-bit ids;
 * made with a tracer, it reads one back too (a Kafka consumer continuing the producer's trace).
 */
public final class W3cPropagator implements Propagator {

    public static final String TRACEPARENT = "traceparent";

    private final SimpleTracer tracer;

    /** A propagator that only writes. */
    public W3cPropagator() {
        this(null);
    }

    /** A propagator that writes, and reads into spans of {@code tracer}. */
    public W3cPropagator(SimpleTracer tracer) {
        this.tracer = tracer;
    }

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
    public static String traceId(String traceId) {
        return "0".repeat(32 - traceId.length()) + traceId;
    }

    @Override
    public <C> Span.Builder extract(C carrier, Getter<C> getter) {
        if (this.tracer == null) {
            throw new UnsupportedOperationException("extract");
        }
        String value = getter.get(carrier, TRACEPARENT);
        String[] parts = (value != null) ? value.split("-") : new String[0];
        if (parts.length != 4 || parts[1].length() != 32 || parts[2].length() != 16) {
            return this.tracer.spanBuilder();
        }
        String traceId = parts[1].startsWith("0".repeat(16)) ? parts[1].substring(16) : parts[1];
        TraceContext parent = this.tracer.traceContextBuilder()
            .traceId(traceId)
            .spanId(parts[2])
            .sampled("01".equals(parts[3]))
            .build();
        return this.tracer.spanBuilder().setParent(parent);
    }
}
