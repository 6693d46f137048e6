package dev.multifetch.core.engine;

import dev.multifetch.core.AttemptObserver;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchInterceptor.Interception;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Transfer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * The future of one fetch: completing it ends its count in the engine's in-flight total, and
 * cancelling it asks the loop to stop the transfer. Done by overriding rather than by dependent
 * stages, so a fetch costs no extra objects for either.
 */
public final class TransferFuture extends CompletableFuture<FetchResponse> implements AttemptObserver {

    private static final System.Logger LOG = System.getLogger(TransferFuture.class.getName());

    private final SelectorLoop loop;
    private Transfer transfer;
    private Interception interception;

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
    public void attemptEnded(int attempt, int status, FetchException failure) {
        if (interception != null) {
            interception.attemptEnded(attempt, status, failure);
        }
    }

    @Override
    public boolean complete(FetchResponse value) {
        boolean done = super.complete(value);
        if (done) {
            loop.finished();
            tellInterception(value, null);
        }
        return done;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        boolean done = super.completeExceptionally(failure);
        if (done) {
            loop.finished();
            tellInterception(null, failure);
        }
        return done;
    }

    private void tellInterception(FetchResponse response, Throwable failure) {
        if (interception != null) {
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
