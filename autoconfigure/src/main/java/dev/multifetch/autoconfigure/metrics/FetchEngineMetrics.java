package dev.multifetch.autoconfigure.metrics;

import dev.multifetch.core.FetchEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges that read a {@link FetchEngine} whenever the registry is scraped:
 * {@value #HANDLES_RUNNING} (transfers accepted and not yet finished, libcurl's running
 * handles), {@value #HANDLES_PENDING} (those waiting for a connection slot) and
 * {@value #CONNECTIONS} tagged {@code state} = {@code active} (open or opening, in use) or
 * {@code idle} (cached for reuse).
 */
public final class FetchEngineMetrics implements MeterBinder {

    static final String HANDLES_RUNNING = "multifetch.handles.running";
    static final String HANDLES_PENDING = "multifetch.handles.pending";
    static final String CONNECTIONS = "multifetch.connections";

    private final FetchEngine engine;

    /** Gauges for {@code engine}, registered when bound. */
    public FetchEngineMetrics(FetchEngine engine) {
        this.engine = engine;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(HANDLES_RUNNING, this.engine, FetchEngine::runningHandles)
            .description("Transfers accepted and not yet finished: queued, running or waiting for a connection")
            .register(registry);
        Gauge.builder(HANDLES_PENDING, this.engine, FetchEngine::pendingHandles)
            .description("Transfers waiting for a connection slot")
            .register(registry);
        Gauge.builder(CONNECTIONS, this.engine, FetchEngineMetrics::activeConnections)
            .description("Connections open or opening that are in use")
            .baseUnit("connections")
            .tag("state", "active")
            .register(registry);
        Gauge.builder(CONNECTIONS, this.engine, FetchEngine::idleConnections)
            .description("Idle connections cached for reuse")
            .baseUnit("connections")
            .tag("state", "idle")
            .register(registry);
    }

    /** Open minus idle; the two counts are read apart, so never below zero. */
    private static double activeConnections(FetchEngine engine) {
        return Math.max(0, engine.openConnections() - engine.idleConnections());
    }
}
