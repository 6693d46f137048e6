package dev.multifetch.autoconfigure.health;

import java.time.Duration;
import java.util.function.LongSupplier;

import dev.multifetch.core.FetchEngine;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports whether a {@link FetchEngine}'s selector loop is alive and turning. DOWN when the
 * selector thread has ended, or when transfers are in flight and the loop has not turned for
 * longer than the stall threshold (a loop stuck in a callback); UP otherwise, an idle loop
 * included (with nothing to do it rightly waits in {@code select}). Details: running and
 * pending transfers, active and idle connections.
 *
 * <p>The loop's progress is judged between calls to this indicator: each call notes the loop's
 * turn count and since when it has not changed. Thread-safe.
 */
public final class FetchEngineHealthIndicator extends AbstractHealthIndicator {

    private final FetchEngine engine;
    private final long stallThresholdNanos;
    private final LongSupplier nanoClock;
    private long lastTurns;
    private long lastTurnSeenNanos;

    /** A health indicator for {@code engine} that reports a stall after {@code stallThreshold}. */
    public FetchEngineHealthIndicator(FetchEngine engine, Duration stallThreshold) {
        this(engine, stallThreshold, System::nanoTime);
    }

    FetchEngineHealthIndicator(FetchEngine engine, Duration stallThreshold, LongSupplier nanoClock) {
        super("multifetch health check failed");
        this.engine = engine;
        this.stallThresholdNanos = stallThreshold.toNanos();
        this.nanoClock = nanoClock;
        this.lastTurns = engine.loopTurns();
        this.lastTurnSeenNanos = nanoClock.getAsLong();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        int running = this.engine.runningHandles();
        builder.withDetail("running", running)
            .withDetail("pending", this.engine.pendingHandles())
            .withDetail("activeConnections", Math.max(0, this.engine.openConnections() - this.engine.idleConnections()))
            .withDetail("idleConnections", this.engine.idleConnections());
        if (!this.engine.isRunning()) {
            builder.down().withDetail("reason", "the selector thread is not running");
            return;
        }
        Duration still = sinceLastTurn();
        if (running > 0 && still.toNanos() > this.stallThresholdNanos) {
            builder.down().withDetail("reason", "the selector loop has not turned for " + still.toMillis()
                    + " ms with " + running + " transfers in flight");
            return;
        }
        builder.up();
    }

    /** How long the loop's turn count has stood still, as seen by the calls so far. */
    private synchronized Duration sinceLastTurn() {
        long turns = this.engine.loopTurns();
        long now = this.nanoClock.getAsLong();
        if (turns != this.lastTurns) {
            this.lastTurns = turns;
            this.lastTurnSeenNanos = now;
        }
        return Duration.ofNanos(now - this.lastTurnSeenNanos);
    }
}
