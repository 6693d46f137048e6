package dev.multifetch.core.engine;

import dev.multifetch.core.AttemptObserver;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchInterceptor.Interception;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Transfer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * The future of one fetch: completing it ends its count in the engine's in-flight total, and
 * cancelling it asks the loop to stop the transfer. Done by overriding rather than by dependent
 * stages, so a fetch costs no extra objects for either. The interception hears of the end once:
 * before the future completes with the outcome (its observation then ends with the fetch, not with
 * the caller's dependent stages), after a cancel that won; whichever of a completion and a racing
 * cancel claims it first tells it.
 */
public final class TransferFuture extends CompletableFuture<FetchResponse> implements AttemptObserver {

    private static final System.Logger LOG = System.getLogger(TransferFuture.class.getName());

    private final SelectorLoop loop;
    private Transfer transfer;
    private Interception interception;
    /** 1 once the interception was told of the end (or claimed to be). */
    private volatile int told;

    private static final VarHandle TOLD;

    static {
        try {
            TOLD = MethodHandles.lookup().findVarHandle(TransferFuture.class, "told", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A future for a transfer that {@code loop} will run. */
    public TransferFuture(SelectorLoop loop) {
        this.loop = loop;
    }

    /** Binds the transfer this future stands for (before it is submitted). */
    public void bind(Transfer transfer) {
        this.transfer = transfer;
    }

    /** Binds the interceptor's view of this fetch, told of its attempts and its end; null for none. */
    public void intercepted(Interception value) {
        this.interception = value;
    }

    @Override
    public void attemptStarted(int attempt, String url) {
        if (interception != null) {
            interception.attemptStarted(attempt, url);
        }
    }

    @Override
    public Map<String, String> attemptHeaders() {
        return interception != null ? interception.attemptHeaders() : Map.of();
    }

    @Override
    public void attemptEnded(int attempt, int status, FetchException failure) {
        if (interception != null) {
            interception.attemptEnded(attempt, status, failure);
        }
    }

    @Override
    public boolean complete(FetchResponse value) {
        if (!isDone()) {
            tellInterception(value, null);
        }
        boolean done = super.complete(value);
        if (done) {
            loop.finished();
        }
        return done;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        if (!isDone()) {
            tellInterception(null, failure);
        }
        boolean done = super.completeExceptionally(failure);
        if (done) {
            loop.finished();
        }
        return done;
    }

    /** Tells the interception, if any, of the end, unless it was told already. */
    private void tellInterception(FetchResponse response, Throwable failure) {
        if (interception != null && TOLD.compareAndSet(this, 0, 1)) {
            try {
                interception.completed(response, failure);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "a FetchInterceptor threw on completion of " + transfer, e);
            }
        }
    }

    /** Cancels the fetch: the transfer is stopped on the selector thread and its connection closed. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean done = super.cancel(mayInterruptIfRunning);
        if (done) {
            loop.finished();
            loop.cancel(transfer);
            tellInterception(null, new CancellationException("the fetch was cancelled"));
        }
        return done;
    }
}
