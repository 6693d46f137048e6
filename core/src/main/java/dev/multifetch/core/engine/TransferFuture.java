package dev.multifetch.core.engine;

import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Transfer;
import java.util.concurrent.CompletableFuture;

/**
 * The future of one fetch: completing it ends its count in the engine's in-flight total, and
 * cancelling it asks the loop to stop the transfer. Done by overriding rather than by dependent
 * stages, so a fetch costs no extra objects for either.
 */
public final class TransferFuture extends CompletableFuture<FetchResponse> {

    private final SelectorLoop loop;
    private Transfer transfer;

    /** A future for a transfer that {@code loop} will run. */
    public TransferFuture(SelectorLoop loop) {
        this.loop = loop;
    }

    /** Binds the transfer this future stands for (before it is submitted). */
    public void bind(Transfer transfer) {
        this.transfer = transfer;
    }

    @Override
    public boolean complete(FetchResponse value) {
        boolean done = super.complete(value);
        if (done) {
            loop.finished();
        }
        return done;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        boolean done = super.completeExceptionally(failure);
        if (done) {
            loop.finished();
        }
        return done;
    }

    /** Cancels the fetch: the transfer is stopped on the selector thread and its connection closed. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean done = super.cancel(mayInterruptIfRunning);
        if (done) {
            loop.finished();
            loop.cancel(transfer);
        }
        return done;
    }
}
