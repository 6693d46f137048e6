package dev.multifetch.sample.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.multifetch.core.FetchError;
import dev.multifetch.sample.fetch.FetchPlan;
import dev.multifetch.sample.fetch.FetchResult;
import dev.multifetch.sample.fetch.FetchService;

/**
 * Runs the fetches of one batch, at most {@code concurrency} at a time, and hands each result to
 * the {@link Sink} (with its index) as soon as it completes; the sink hears {@code done} once,
 * after the last. Starting the next fetch happens on whichever thread completed the previous one,
 * so no thread waits. Thread-safe.
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
    private final FetchService service;
    private final Sink sink;
    private final List<CompletableFuture<FetchResult>> running = new ArrayList<>();
    private int next;
    private int finished;
    private boolean cancelled;

    BatchRun(List<Item> plans, int concurrency, FetchService service, Sink sink) {
        this.plans = plans;
        this.concurrency = concurrency;
        this.service = service;
        this.sink = sink;
    }

    @Override
    public void start() {
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

    private void launchNext() {
        int index;
        synchronized (this) {
            if (this.cancelled || this.next >= this.plans.size()) {
                return;
            }
            index = this.next++;
        }
        Item item = this.plans.get(index);
        CompletableFuture<FetchResult> future = (item.plan() != null)
                ? this.service.fetch(item.plan()) : CompletableFuture.completedFuture(item.refused());
        synchronized (this) {
            this.running.add(future);
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
                FetchError.ABORTED_BY_CALLBACK.name(), "the service could not run this fetch: " + failure, null);
        if (!this.sink.accept(reported.withIndex(index))) {
            cancel();
        } else if (last) {
            this.sink.done();
        } else {
            launchNext();
        }
    }
}
