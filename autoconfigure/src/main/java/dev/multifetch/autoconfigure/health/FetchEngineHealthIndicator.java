package dev.multifetch.autoconfigure.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.multifetch.autoconfigure.HostHolds;
import dev.multifetch.core.FetchEngine;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports whether a {@link FetchEngine}'s selector loop is alive and free. DOWN when the loop
 * failed (with the failure), when the selector thread has ended, or when the thread has been
 * busy in one turn of its loop for longer than the stall threshold: a listener, a callback or a
 * future's dependent stage run on the selector thread is blocking every transfer. UP otherwise,
 * an idle loop waiting in {@code select} included. Details: running and pending transfers, active
 * and idle connections, how long the current turn has been busy ({@code loopBusyMillis}), and, with
 * {@link HostHolds}, the hosts a {@code Retry-After} blocks now ({@code blockedHosts}: the
 * {@value #BLOCKED_SHOWN} blocked longest, each with the milliseconds left, and
 * {@code blockedHostCount}). A blocked host is the engine being polite: it never makes the
 * engine DOWN. Thread-safe.
 */
public final class FetchEngineHealthIndicator extends AbstractHealthIndicator {

    /** Most blocked hosts named in the details. */
    static final int BLOCKED_SHOWN = 20;

    private final FetchEngine engine;
    private final Duration stallThreshold;
    private final HostHolds holds;

    /** A health indicator for {@code engine} that reports a loop busy beyond {@code stallThreshold}. */
    public FetchEngineHealthIndicator(FetchEngine engine, Duration stallThreshold) {
        this(engine, stallThreshold, null);
    }

    /**
     * A health indicator for {@code engine} that reports a loop busy beyond {@code stallThreshold}
     * and names the hosts {@code holds} (or {@code null}) knows to be blocked.
     */
    public FetchEngineHealthIndicator(FetchEngine engine, Duration stallThreshold, HostHolds holds) {
        super("multifetch health check failed");
        this.engine = engine;
        this.stallThreshold = stallThreshold;
        this.holds = holds;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Duration busy = this.engine.loopBusyTime();
        builder.withDetail("running", this.engine.runningHandles())
            .withDetail("pending", this.engine.pendingHandles())
            .withDetail("activeConnections", Math.max(0, this.engine.openConnections() - this.engine.idleConnections()))
            .withDetail("idleConnections", this.engine.idleConnections())
            .withDetail("loopBusyMillis", busy.toMillis());
        if (this.holds != null) {
            List<HostHolds.Blocked> blocked = this.holds.blocked();
            Map<String, Long> shown = new LinkedHashMap<>();
            blocked.stream().limit(BLOCKED_SHOWN).forEach((host) -> shown.put(host.key(), host.left().toMillis()));
            builder.withDetail("blockedHosts", shown).withDetail("blockedHostCount", blocked.size());
        }
        Optional<Throwable> failure = this.engine.failure();
        if (failure.isPresent()) {
            builder.down(failure.get())
                .withDetail("reason", "the selector loop failed: " + failure.get().getMessage());
        }
        else if (!this.engine.isRunning()) {
            builder.down().withDetail("reason", "the selector thread is not running");
        }
        else if (busy.compareTo(this.stallThreshold) > 0) {
            builder.down().withDetail("reason", "the selector thread has been busy in one turn for " + busy.toMillis()
                    + " ms: a listener, callback or dependent stage is blocking it");
        }
        else {
            builder.up();
        }
    }
}
