package dev.multifetch.autoconfigure.health;

import java.time.Duration;
import java.util.Optional;

import dev.multifetch.core.FetchEngine;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports whether a {@link FetchEngine}'s selector loop is alive and free. DOWN when the loop
 * failed (with the failure), when the selector thread has ended, or when the thread has been
 * busy in one turn of its loop for longer than the stall threshold: a listener, a callback or a
 * future's dependent stage run on the selector thread is blocking every transfer. UP otherwise,
 * an idle loop waiting in {@code select} included. Details: running and pending transfers, active
 * and idle connections, and how long the current turn has been busy ({@code loopBusyMillis}).
 * Stateless and thread-safe.
 */
public final class FetchEngineHealthIndicator extends AbstractHealthIndicator {

    private final FetchEngine engine;
    private final Duration stallThreshold;

    /** A health indicator for {@code engine} that reports a loop busy beyond {@code stallThreshold}. */
    public FetchEngineHealthIndicator(FetchEngine engine, Duration stallThreshold) {
        super("multifetch health check failed");
        this.engine = engine;
        this.stallThreshold = stallThreshold;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Duration busy = this.engine.loopBusyTime();
        builder.withDetail("running", this.engine.runningHandles())
            .withDetail("pending", this.engine.pendingHandles())
            .withDetail("activeConnections", Math.max(0, this.engine.openConnections() - this.engine.idleConnections()))
            .withDetail("idleConnections", this.engine.idleConnections())
            .withDetail("loopBusyMillis", busy.toMillis());
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
