package dev.multifetch.core;

import dev.multifetch.core.FetchInterceptor.Interception;
import dev.multifetch.core.engine.SelectorLoop;
import dev.multifetch.core.engine.TransferFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Runs HTTP fetches on one dedicated selector thread ({@code multifetch-selector-N}) that drives a
 * {@link Multi}, as libcurl's hiperfifo.c drives libcurl. Thread-safe: any thread may call
 * {@link #fetch}; the request is queued and the selector woken. Futures complete off the selector
 * thread (on the completion executor) unless told otherwise, so user code never stalls the loop.
 *
 * <pre>{@code
 * try (FetchEngine engine = FetchEngine.create()) {
 *     FetchResponse r = engine.fetch(FetchRequest.get("http://example.com/")).join();
 * }
 * }</pre>
 */
public final class FetchEngine implements AutoCloseable {

    private final SelectorLoop loop;
    private final Duration shutdownGrace;
    private final FetchInterceptor interceptor;

    private FetchEngine(Builder b) {
        this.shutdownGrace = b.shutdownGrace;
        this.interceptor = b.interceptor;
        this.loop = new SelectorLoop(b.options, b.completionExecutor);
    }

    /** An engine with the default options, started. */
    public static FetchEngine create() {
        return builder().build();
    }

    /** A builder for an engine. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a fetch. The future completes with the response (any HTTP status) or fails with a
     * {@link FetchException} naming the {@link FetchError}. Cancelling the future stops the
     * transfer and closes its connection. After {@link #close()} the future fails at once with
     * {@link IllegalStateException}.
     */
    public CompletableFuture<FetchResponse> fetch(FetchRequest request) {
        Interception interception = null;
        if (interceptor != null) {
            try {
                interception = interceptor.intercept(request);
                if (interception != null && !interception.headers().isEmpty()) {
                    request = request.withHeaders(interception.headers());
                }
            } catch (RuntimeException | LinkageError e) {
                if (interception != null) {
                    interception.completed(null, e);
                }
                return CompletableFuture.failedFuture(new FetchException(FetchError.ABORTED_BY_CALLBACK,
                        "the FetchInterceptor threw " + e, e));
            }
        }
        Transfer transfer = new Transfer(request);
        TransferFuture future = new TransferFuture(loop);
        future.bind(transfer);
        future.intercepted(interception);
        transfer.attach(future);
        if (!loop.submit(transfer)) {
            Throwable failure = loop.failure();
            IllegalStateException closed = failure == null ? new IllegalStateException("the fetch engine is closed")
                    : new IllegalStateException("the fetch engine failed and is closed: " + failure, failure);
            if (interception != null) {
                // the future below is not the transfer's, so the interception hears of its end here
                interception.completed(null, closed);
            }
            return CompletableFuture.failedFuture(closed);
        }
        return future;
    }

    /**
     * Transfers accepted whose futures have not completed: queued, running, or waiting for a
     * connection slot. libcurl: running_handles, counted until each future completes.
     */
    public int runningHandles() {
        return loop.runningHandles();
    }

    /** Transfers waiting for a connection slot. libcurl: CURLMINFO_XFERS_PENDING. */
    public int pendingHandles() {
        return loop.pendingHandles();
    }

    /** Connections open or opening. */
    public int openConnections() {
        return loop.openConnections();
    }

    /** Idle connections cached for reuse. */
    public int idleConnections() {
        return loop.idleConnections();
    }

    /** Turns of the selector loop so far. */
    public long loopTurns() {
        return loop.turns();
    }

    /** Whether the selector thread is running. */
    public boolean isRunning() {
        return loop.isRunning();
    }

    /** The unexpected error that stopped the selector loop, if one did (then every transfer was failed with it). */
    public java.util.Optional<Throwable> failure() {
        return java.util.Optional.ofNullable(loop.failure());
    }

    /**
     * How long the selector thread has been busy in its current turn (zero while it waits for
     * events). A turn normally takes microseconds; seconds mean a callback is blocking the loop.
     */
    public Duration loopBusyTime() {
        return Duration.ofNanos(loop.busyNanos());
    }

    /** Closes with the builder's shutdown grace. */
    @Override
    public void close() {
        close(shutdownGrace);
    }

    /**
     * Stops accepting fetches, gives transfers in flight {@code grace} to finish, fails the rest
     * with {@link FetchError#ABORTED_BY_CALLBACK}, closes every socket and ends the thread.
     * Returns when all that is done (at once if called on the selector thread itself).
     */
    public void close(Duration grace) {
        loop.close(Checks.notNegative("grace", grace));
    }

    /** Builds and starts a {@link FetchEngine}. */
    public static final class Builder {

        private MultiOptions options = MultiOptions.DEFAULTS;
        private Executor completionExecutor = ForkJoinPool.commonPool();
        private Duration shutdownGrace = Duration.ofSeconds(5);
        private FetchInterceptor interceptor;

        private Builder() {
        }

        /** Sets the hook every fetch passes through (tracing, observation); none by default. */
        public Builder interceptor(FetchInterceptor value) {
            this.interceptor = value;
            return this;
        }

        /** Sets the multi handle's options. */
        public Builder options(MultiOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Sets where futures complete (default: the common fork-join pool). {@code Runnable::run}
         * completes them on the selector thread: then dependent stages must never block.
         */
        public Builder completionExecutor(Executor executor) {
            this.completionExecutor = Objects.requireNonNull(executor, "completionExecutor");
            return this;
        }

        /** Sets how long {@link #close()} lets transfers in flight finish; not negative. */
        public Builder shutdownGrace(Duration grace) {
            this.shutdownGrace = Checks.notNegative("shutdownGrace", grace);
            return this;
        }

        /** Starts the engine's selector thread and returns the engine. */
        public FetchEngine build() {
            return new FetchEngine(this);
        }
    }
}
