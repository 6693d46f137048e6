package dev.multifetch.sample.fetch;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.ProxyException;

/**
 * Runs a {@link FetchPlan} on the engine and answers with a {@link FetchResult}. No thread waits:
 * the result is a future completed when the engine's is. Each fetch is in the
 * {@link TransferRegistry} while it runs (so it can be listed and cancelled) and in
 * {@link RecentTransfers} once it finished.
 */
public final class FetchService {

    private final FetchEngine engine;
    private final TransferRegistry registry;
    private final RecentTransfers recent;
    private final int returnLimit;
    private final CallTraces traces;

    public FetchService(FetchEngine engine, TransferRegistry registry, RecentTransfers recent, int returnLimit,
            CallTraces traces) {
        this.engine = engine;
        this.registry = registry;
        this.recent = recent;
        this.returnLimit = returnLimit;
        this.traces = traces;
    }

    /** The trace of the API call handled on this thread, for the fetches made for it. */
    public CallTrace currentTrace() {
        return this.traces.current();
    }

    /** Starts {@code plan} for the API call handled on this thread: {@link #fetch(FetchPlan, CallTrace)}. */
    public CompletableFuture<FetchResult> fetch(FetchPlan plan) {
        return fetch(plan, currentTrace());
    }

    /**
     * Starts {@code plan}. The future completes with the response, or with the error that ended the
     * transfer (a cancel gives {@code ABORTED_BY_CALLBACK}); it fails only when the engine itself
     * cannot take the fetch. Cancelling the returned future cancels the transfer. The fetch continues
     * {@code trace}, on whatever thread this runs, and its result carries the trace id.
     */
    public CompletableFuture<FetchResult> fetch(FetchPlan plan, CallTrace trace) {
        BodyCapture capture = new BodyCapture(this.returnLimit);
        FetchRequest request = plan.toRequest(capture);
        TransferRegistry.Entry entry = this.registry.add(plan.url(), request, capture);
        CompletableFuture<FetchResponse> transfer = trace.within(() -> this.engine.fetch(request));
        entry.attach(transfer);
        CompletableFuture<FetchResult> answer = new CompletableFuture<>();
        transfer.handle((response, failure) -> (response != null)
                ? FetchResult.of(plan.url(), response, capture) : failed(plan.url(), entry, failure))
            .thenApply((result) -> result.withTraceId(trace.traceId()))
            .whenComplete((done, failure) -> {
                this.registry.remove(entry);
                if (done != null) {
                    this.recent.add(entry.id, plan.method(), done);
                    answer.complete(done);
                } else {
                    answer.completeExceptionally(failure);
                }
            });
        // a caller that gives up (a batch whose client went away) stops the transfer
        answer.whenComplete((done, failure) -> {
            if (answer.isCancelled()) {
                entry.cancel();
            }
        });
        return answer;
    }

    private static FetchResult failed(String url, TransferRegistry.Entry entry, Throwable failure) {
        Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
        FetchResult.PhaseTimes timings = entry.timings().orElse(null);
        if (cause instanceof CancellationException) {
            return FetchResult.failed(url, FetchError.ABORTED_BY_CALLBACK.name(),
                    "cancelled (DELETE /api/transfers/" + entry.id + ")", entry.attempts(), timings, null);
        }
        if (cause instanceof FetchException fetchException) {
            String code = fetchException.error().name();
            String message = fetchException.getMessage();
            // FetchException prefixes its message with the code, which has a field of its own here
            if (message.startsWith(code + ": ")) {
                message = message.substring(code.length() + 2);
            }
            String proxy = (fetchException instanceof ProxyException atProxy) ? atProxy.proxy() : null;
            return FetchResult.failed(url, code, message, Math.max(entry.attempts(), fetchException.attempts()), timings,
                    proxy).withRetryStopped(fetchException.retryStopped());
        }
        throw (failure instanceof CompletionException completion) ? completion : new CompletionException(cause);
    }
}
