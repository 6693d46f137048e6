package dev.multifetch.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.multifetch.core.FetchEngine;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Stops every {@link FetchEngine} bean in Spring's shutdown sequence: each engine stops taking
 * fetches, lets transfers in flight finish within its shutdown grace, then aborts the rest. The
 * engines stop in parallel, off the closing thread, so Spring's
 * {@code spring.lifecycle.timeout-per-shutdown-phase} still bounds the wait.
 *
 * <p>The phase is below the web server's ({@code WebServerApplicationContext
 * .START_STOP_LIFECYCLE_PHASE}): requests still being served during a graceful web shutdown can
 * fetch through the engine until the server has stopped.
 */
final class FetchEngineLifecycle implements SmartLifecycle {

    /** Below the web server's start/stop phase ({@code DEFAULT_PHASE - 2048}). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

    private final ObjectProvider<FetchEngine> engines;

    private volatile List<FetchEngine> started = List.of();

    FetchEngineLifecycle(ObjectProvider<FetchEngine> engines) {
        this.engines = engines;
    }

    /** Engines start when they are built; this only takes note of them. */
    @Override
    public void start() {
        this.started = this.engines.orderedStream().toList();
    }

    @Override
    public void stop() {
        closeAll().join();
    }

    @Override
    public void stop(Runnable callback) {
        closeAll().whenComplete((ignored, failure) -> callback.run());
    }

    /** Closes each engine started so far on a thread of its own; completes when all are closed. */
    private CompletableFuture<Void> closeAll() {
        List<FetchEngine> engines = this.started;
        this.started = List.of();
        return CompletableFuture.allOf(engines.stream()
            .map((engine) -> CompletableFuture.runAsync(engine::close, FetchEngineLifecycle::shutdownThread))
            .toArray(CompletableFuture[]::new));
    }

    private static void shutdownThread(Runnable task) {
        Thread thread = new Thread(task, "multifetch-shutdown");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean isRunning() {
        return !this.started.isEmpty();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
