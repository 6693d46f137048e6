package dev.multifetch.bench;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler.IgnoredMeters;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.handler.TracingAwareMeterObservationHandler;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link ObservationRegistry} as a Spring Boot 4 application with Micrometer, Prometheus and
 * Brave has it: handlers grouped as Boot groups them (a meter group: the meter handler made
 * tracing-aware; a tracing group: sender and receiver propagation, then the default handler), a
 * {@link PrometheusMeterRegistry}, Brave with W3C propagation and 128-bit trace ids, sampling
 * {@code sampling} of the traces, and a span handler that counts finished spans and drops them
 * (nothing is reported). Boot's default sampling probability is 0.1.
 */
public final class BootObservations implements AutoCloseable {

    private final Tracing tracing;
    private final ObservationRegistry registry;
    private final PrometheusMeterRegistry meters;
    private final AtomicLong spans = new AtomicLong();

    public BootObservations(float sampling) {
        this(sampling, true);
    }

    /**
     * As {@link #BootObservations(float)}, with the meter handler's long task timer
     * ({@code <name>.active}) on or off, as Boot's
     * {@code management.observations.long-task-timer.enabled} turns it.
     */
    public BootObservations(float sampling, boolean longTaskTimers) {
        this.tracing = Tracing.newBuilder()
                .localServiceName("benchmark")
                .supportsJoin(false)
                .traceId128Bit(true)
                .propagationFactory(new W3CPropagation())
                .currentTraceContext(ThreadLocalCurrentTraceContext.create())
                .sampler(Sampler.create(sampling))
                .addSpanHandler(new SpanHandler() {
                    @Override
                    public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                        spans.incrementAndGet();
                        return true;
                    }
                })
                .build();
        BraveTracer tracer = new BraveTracer(tracing.tracer(),
                new BraveCurrentTraceContext(tracing.currentTraceContext()), new BraveBaggageManager());
        BravePropagator propagator = new BravePropagator(tracing);
        this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.registry = ObservationRegistry.create();
        registry.observationConfig()
                .observationHandler(new FirstMatchingCompositeObservationHandler(
                        new TracingAwareMeterObservationHandler<>(longTaskTimers
                                ? new DefaultMeterObservationHandler(meters)
                                : new DefaultMeterObservationHandler(meters, IgnoredMeters.LONG_TASK_TIMER), tracer)))
                .observationHandler(new FirstMatchingCompositeObservationHandler(
                        new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                        new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                        new DefaultTracingObservationHandler(tracer)));
    }

    public ObservationRegistry registry() {
        return registry;
    }

    /** Spans finished and sampled so far. */
    public long spans() {
        return spans.get();
    }

    /** Meters registered so far: stays small when the key values are bounded. */
    public int meters() {
        return meters.getMeters().size();
    }

    @Override
    public void close() {
        tracing.close();
        meters.close();
    }
}
