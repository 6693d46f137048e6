package dev.multifetch.autoconfigure.metrics;

import dev.multifetch.autoconfigure.HostHolds;
import dev.multifetch.core.FetchEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges that read a {@link FetchEngine} whenever the registry is scraped:
 * {@value #HANDLES_RUNNING} (transfers accepted and not yet finished, libcurl's running
 * handles), {@value #HANDLES_PENDING} (those waiting for a connection slot) and
 * {@value #CONNECTIONS} tagged {@code state} = {@code active} (open or opening, in use) or
 * {@code idle} (cached for reuse); with {@link HostHolds}, {@value #HOSTS_BLOCKED} (hosts a 429 or
 * 503 with {@code Retry-After} blocks now; no host becomes a tag, the health indicator names them).
 */
public final class FetchEngineMetrics implements MeterBinder {

    static final String HANDLES_RUNNING = "multifetch.handles.running";
    static final String HANDLES_PENDING = "multifetch.handles.pending";
    static final String CONNECTIONS = "multifetch.connections";
    static final String HOSTS_BLOCKED = "multifetch.hosts.blocked";

    private final FetchEngine engine;
    private final HostHolds holds;

    /** Gauges for {@code engine}, registered when bound. */
    public FetchEngineMetrics(FetchEngine engine) {
        this(engine, null);
    }

    /** Gauges for {@code engine} and for the hosts {@code holds} (or {@code null}) knows to be blocked, registered when bound. */
    public FetchEngineMetrics(FetchEngine engine, HostHolds holds) {
        this.engine = engine;
        this.holds = holds;
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
        if (this.holds != null) {
            Gauge.builder(HOSTS_BLOCKED, this.holds, HostHolds::blockedCount)
                .description("Hosts a 429 or 503 with Retry-After blocks now: no request goes to them until the block ends")
                .baseUnit("hosts")
                .register(registry);
        }
    }

    /** Open minus idle; the two counts are read apart, so never below zero. */
    private static double activeConnections(FetchEngine engine) {
        return Math.max(0, engine.openConnections() - engine.idleConnections());
    }
}
