package dev.multifetch.sample.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.multifetch.core.FetchError;
import dev.multifetch.sample.fetch.CallTrace;
import dev.multifetch.sample.fetch.FetchPlan;
import dev.multifetch.sample.fetch.FetchResult;
import dev.multifetch.sample.fetch.FetchService;

/**
 * Runs the fetches of one batch, at most {@code concurrency} at a time and their starts at least
 * {@code interval} apart, and hands each result to the {@link Sink} (with its index) as soon as it
 * completes; the sink hears {@code done} once, after the last. Starting the next fetch happens on
 * whichever thread completed the previous one, or, when it must wait for its turn, on the JDK's
 * delayed executor ({@link CompletableFuture#delayedExecutor}): no thread waits. Each fetch
 * continues the trace of the call the run was made for. Thread-safe.
 */
final class BatchRun implements Batch {

    /** Where the results go. Called from completion threads, one call at a time per result. */
    interface Sink {

        /** Takes one result; false when it can take no more (the client went away): the batch is cancelled. */
        boolean accept(FetchResult result);

        /** Every result was accepted. */
        void done();
    }

    /** One request of a batch: a plan to fetch, or a result known without fetching (refused by the guard). */
    record Item(FetchPlan plan, FetchResult refused) {

        static Item of(FetchPlan plan) {
            return new Item(plan, null);
        }

        static Item refused(FetchResult refused) {
            return new Item(null, refused);
        }

        Duration timeout() {
            return (this.plan != null) ? this.plan.timeout() : Duration.ZERO;
        }

        String url() {
            return (this.plan != null) ? this.plan.url() : this.refused.url();
        }
    }

    private final List<Item> plans;
    private final int concurrency;
    private final long intervalNanos;
    private final FetchService service;
    private final Sink sink;
    /** The trace of the call the batch answers, captured where the run is made: every fetch continues it. */
    private final CallTrace trace;
    private final List<CompletableFuture<FetchResult>> running = new ArrayList<>();
    private int next;
    private int finished;
    private boolean cancelled;
    /** When the next fetch may start, on {@link System#nanoTime()}. */
    private long nextStart;

    BatchRun(List<Item> plans, int concurrency, Duration interval, FetchService service, Sink sink) {
        this.plans = plans;
        this.concurrency = concurrency;
        this.intervalNanos = interval.toNanos();
        this.service = service;
        this.sink = sink;
        this.trace = service.currentTrace();
    }

    @Override
    public void start() {
        synchronized (this) {
            this.nextStart = System.nanoTime();
        }
        for (int i = 0; i < Math.min(this.concurrency, this.plans.size()); i++) {
            launchNext();
        }
    }

    /** Stops launching and cancels the fetches running; their results are not reported. */
    @Override
    public void cancel() {
        List<CompletableFuture<FetchResult>> toCancel;
        synchronized (this) {
            this.cancelled = true;
            toCancel = List.copyOf(this.running);
        }
        toCancel.forEach((future) -> future.cancel(true));
    }

    /** Takes the next request, and starts it now or, to keep the interval, when its turn comes. */
    private void launchNext() {
        int index;
        long wait = 0;
        synchronized (this) {
            if (this.cancelled || this.next >= this.plans.size()) {
                return;
            }
            index = this.next++;
            if (this.plans.get(index).plan() != null) {
                long now = System.nanoTime();
                long at = Math.max(now, this.nextStart);
                this.nextStart = at + this.intervalNanos;
                wait = at - now;
            }
        }
        if (wait > 0) {
            CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS).execute(() -> launch(index));
        } else {
            launch(index);
        }
    }

    private void launch(int index) {
        synchronized (this) {
            if (this.cancelled) {
                return;
            }
        }
        Item item = this.plans.get(index);
        CompletableFuture<FetchResult> future = (item.plan() != null)
                ? this.service.fetch(item.plan(), this.trace)
                : CompletableFuture.completedFuture(item.refused().withTraceId(this.trace.traceId()));
        boolean cancelledMeanwhile;
        synchronized (this) {
            cancelledMeanwhile = this.cancelled;
            if (!cancelledMeanwhile) {
                this.running.add(future);
            }
        }
        if (cancelledMeanwhile) {
            future.cancel(true);
            return;
        }
        future.whenComplete((result, failure) -> completed(future, index, result, failure));
    }

    private void completed(CompletableFuture<FetchResult> future, int index, FetchResult result, Throwable failure) {
        boolean last;
        synchronized (this) {
            this.running.remove(future);
            if (this.cancelled) {
                return;
            }
            last = ++this.finished == this.plans.size();
        }
        // only the engine itself failing (it was closed) gets here without a result
        FetchResult reported = (result != null) ? result : FetchResult.failed(this.plans.get(index).url(),
                FetchError.ABORTED_BY_CALLBACK.name(), "the service could not run this fetch: " + failure);
        if (!this.sink.accept(reported.withIndex(index))) {
            cancel();
        } else if (last) {
            this.sink.done();
        } else {
            launchNext();
        }
    }
}
