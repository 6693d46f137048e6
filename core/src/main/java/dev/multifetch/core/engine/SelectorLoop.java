package dev.multifetch.core.engine;

import dev.multifetch.core.CSelect;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Message;
import dev.multifetch.core.Multi;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.PollAction;
import dev.multifetch.core.Transfer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event loop that drives one {@link Multi} on one dedicated thread, as libcurl's
 * {@code hiperfifo.c} drives libcurl with libevent: the socket callback registers, changes and
 * clears {@link SelectionKey}s (the key rides along as socketp), the timer callback sets the
 * deadline of the next {@code select}, and each turn runs select, the socket and timeout
 * actions, then completes the futures of finished transfers.
 *
 * <p>Only the loop thread touches the selector and the multi handle. Other threads hand work
 * over through queues and {@link Selector#wakeup()} (libcurl: curl_multi_wakeup).
 */
public final class SelectorLoop implements Runnable {

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final System.Logger LOG = System.getLogger(SelectorLoop.class.getName());
    private static final long NONE = Long.MIN_VALUE;

    private final MultiOptions options;
    private final Executor completions;
    private final Selector selector;
    private final Thread thread;
    private final Object lock = new Object();
    private final Queue<Transfer> submissions = new ConcurrentLinkedQueue<>();
    private final Queue<Transfer> cancellations = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private boolean accepting = true;
    private volatile long graceDeadlineNanos = NONE;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int pending;
    private volatile int openConnections;
    private volatile int idleConnections;
    private volatile long turns;
    private volatile long turnStartedNanos;
    private final java.util.function.Consumer<SelectionKey> onReady = this::onReady;
    private volatile Throwable failure;
    private Multi multi;
    private long timerDeadlineNanos = NONE;

    /** Opens the selector and starts the thread {@code multifetch-selector-N}. */
    public SelectorLoop(MultiOptions options, Executor completions) {
        this.options = options;
        this.completions = completions;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.thread = new Thread(this, "multifetch-selector-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a transfer whose attachment is its future; false once the loop is closing. Any thread. */
    public boolean submit(Transfer transfer) {
        synchronized (lock) {
            if (!accepting) {
                return false;
            }
            inFlight.incrementAndGet();
            submissions.add(transfer);
        }
        wakeUp();
        return true;
    }

    /**
     * Wakes the loop from select. Not needed on the loop thread itself (a callback completing on
     * it that submits the next fetch): the turn starts with the queues, and a non-empty queue
     * makes the next select return at once.
     */
    private void wakeUp() {
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    /** A fetch's future completed (or was cancelled): it no longer counts in flight. Any thread. */
    void finished() {
        inFlight.decrementAndGet();
    }

    /** Asks the loop to stop a transfer whose future was cancelled. Any thread. */
    public void cancel(Transfer transfer) {
        cancellations.add(transfer);
        wakeUp();
    }

    /**
     * Stops accepting work; transfers in flight get {@code grace} to finish, then are failed.
     * Waits for the loop thread to end, unless called on it.
     */
    public void close(Duration grace) {
        synchronized (lock) {
            if (accepting) {
                accepting = false;
                graceDeadlineNanos = System.nanoTime() + grace.toNanos();
            }
        }
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            terminated.join();
        }
    }

    /**
     * Transfers accepted whose futures have not completed yet: queued, running or waiting for a
     * connection slot. Exact at any moment, from any thread.
     */
    public int runningHandles() {
        return inFlight.get();
    }

    /** Transfers waiting for a connection slot, as of the last loop turn. */
    public int pendingHandles() {
        return pending;
    }

    /** Connections open or opening, as of the last loop turn. */
    public int openConnections() {
        return openConnections;
    }

    /** Idle connections cached, as of the last loop turn. */
    public int idleConnections() {
        return idleConnections;
    }

    /** Loop turns so far; a growing count shows the loop is alive. */
    public long turns() {
        return turns;
    }

    /** Whether the loop thread is running. */
    public boolean isRunning() {
        return thread.isAlive() && !terminated.isDone();
    }

    /** The unexpected error that stopped the loop, or {@code null}. */
    public Throwable failure() {
        return failure;
    }

    /**
     * How long the current turn has been running (0 while the loop waits in select). A large
     * value means something blocks the loop: a callback, a listener or a direct completion.
     */
    public long busyNanos() {
        long started = turnStartedNanos;
        return started == 0 ? 0 : Math.max(1, System.nanoTime() - started);
    }

    /** Completes when the loop thread has ended and every socket is closed. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    @Override
    public void run() {
        Throwable fatal = null;
        try {
            multi = new Multi(options);
            multi.setSocketCallback(this::onSocket);
            multi.setTimerCallback(this::onTimer);
            while (turn()) {
                turns++;
            }
        } catch (Throwable t) {
            fatal = t;
            failure = t;
            LOG.log(System.Logger.Level.ERROR, "multifetch selector loop failed; every transfer is failed and the engine is closed", t);
        } finally {
            turnStartedNanos = 0;
            shutdown(fatal);
        }
    }

    /** One loop turn; false when the loop should end. */
    private boolean turn() throws IOException {
        startSubmissions();
        stopCancelled();
        drainMessages();
        publish();
        long grace = graceDeadlineNanos;
        if (grace != NONE && (multi.runningHandles() == 0 || System.nanoTime() - grace >= 0)) {
            return false;
        }
        turnStartedNanos = 0;
        select(grace);
        if (turnStartedNanos == 0) {
            turnStartedNanos = System.nanoTime();
        }
        if (timerDeadlineNanos != NONE && System.nanoTime() - timerDeadlineNanos >= 0) {
            timerDeadlineNanos = NONE;
            multi.timeoutAction();
        }
        drainMessages();
        publish();
        return true;
    }

    private void select(long graceDeadline) throws IOException {
        long timeoutMs = timerDeadlineNanos == NONE ? -1 : ceilMillis(timerDeadlineNanos - System.nanoTime());
        if (graceDeadline != NONE) {
            long untilGrace = Math.max(1, ceilMillis(graceDeadline - System.nanoTime()));
            timeoutMs = timeoutMs < 0 ? untilGrace : Math.min(timeoutMs, untilGrace);
        }
        if (!submissions.isEmpty() || !cancellations.isEmpty()) {
            timeoutMs = 0;
        }
        // select(0) would block forever: a zero timer means "act on the next turn"
        if (timeoutMs == 0) {
            selector.selectNow(onReady);
        } else if (timeoutMs < 0) {
            selector.select(onReady);
        } else {
            selector.select(onReady, timeoutMs);
        }
    }

    /**
     * Each ready socket, handed over by the selection itself: no selected-key set to fill, walk
     * and empty. A key closed by an earlier action of the same selection is skipped.
     */
    private void onReady(SelectionKey key) {
        if (turnStartedNanos == 0) {
            turnStartedNanos = System.nanoTime();
        }
        if (key.isValid()) {
            multi.socketAction(key.channel(), events(key.readyOps()));
        }
    }

    private void startSubmissions() {
        for (Transfer t; (t = submissions.poll()) != null; ) {
            if (!future(t).isDone()) {
                multi.add(t);
            }
        }
    }

    private void stopCancelled() {
        for (Transfer t; (t = cancellations.poll()) != null; ) {
            multi.remove(t);
        }
    }

    /**
     * Takes every finished transfer off the multi handle and completes its future. The
     * completions of one turn go to the executor as one task: one hand-over per turn, not per
     * transfer.
     */
    private void drainMessages() {
        List<Transfer> done = null;
        for (Message m; (m = multi.infoRead()) != null; ) {
            Transfer t = m.transfer();
            multi.remove(t);
            if (done == null) {
                done = new ArrayList<>();
            }
            done.add(t);
        }
        if (done == null) {
            return;
        }
        List<Transfer> batch = done;
        Runnable completion = () -> {
            for (Transfer t : batch) {
                complete(t);
            }
        };
        try {
            completions.execute(completion);
        } catch (RuntimeException rejectedOrBroken) {
            // a refusing or broken executor must not lose the transfers: complete them here
            completion.run();
        }
    }

    private static void complete(Transfer t) {
        CompletableFuture<FetchResponse> f = future(t);
        if (t.response() != null) {
            f.complete(t.response());
        } else {
            f.completeExceptionally(t.failure());
        }
    }

    private void publish() {
        pending = multi.pendingHandles();
        openConnections = multi.openConnections();
        idleConnections = multi.idleConnections();
    }

    /** The socket callback: keeps one selection key per socket in step with the wanted interest. */
    private void onSocket(Transfer transfer, SelectableChannel socket, PollAction what, Object socketp) {
        SelectionKey key = (SelectionKey) socketp;
        if (what == PollAction.REMOVE) {
            // interestOps(0), not cancel(): the same socket may come back before the next select
            if (key != null && key.isValid()) {
                key.interestOps(0);
            }
            return;
        }
        int ops = interestOps(socket, what);
        if (key != null && key.isValid()) {
            key.interestOps(ops);
            return;
        }
        try {
            multi.assign(socket, socket.register(selector, ops));
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("asked to watch a closed socket: " + socket, e);
        }
    }

    private void onTimer(long timeoutMs) {
        timerDeadlineNanos = timeoutMs < 0 ? NONE : System.nanoTime() + timeoutMs * 1_000_000;
    }

    /**
     * curl's single OUT is OP_CONNECT while a TCP connect is pending and OP_WRITE after it. Both
     * are asked for while pending: NIO reports OP_WRITE only once connected, so when the connect
     * completes inside a run of the multi handle (no new callback, OUT is unchanged) the key
     * already waits for writability instead of an OP_CONNECT that never fires again.
     */
    public static int interestOps(SelectableChannel socket, PollAction what) {
        int ops = what.wantsRead() ? SelectionKey.OP_READ : 0;
        if (what.wantsWrite()) {
            ops |= SelectionKey.OP_WRITE;
            if (socket instanceof SocketChannel sc && sc.isConnectionPending()) {
                ops |= SelectionKey.OP_CONNECT;
            }
        }
        return ops;
    }

    private static int events(int readyOps) {
        int events = 0;
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            events |= CSelect.IN;
        }
        if ((readyOps & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            events |= CSelect.OUT;
        }
        return events;
    }

    /** Fails what is left, closes the multi handle and the selector. Loop thread only. */
    private void shutdown(Throwable fatal) {
        synchronized (lock) {
            accepting = false;
        }
        List<Transfer> left = new ArrayList<>();
        for (Transfer t; (t = submissions.poll()) != null; ) {
            left.add(t);
        }
        if (multi != null) {
            try {
                drainMessages();
                left.addAll(multi.transfers());
                multi.close();
            } catch (RuntimeException e) {
                fatal = fatal == null ? e : fatal;
            }
        }
        String why = fatal == null ? "the engine closed before the transfer finished"
                : "the engine's selector loop failed: " + fatal;
        for (Transfer t : left) {
            // failed here rather than on the completion executor, so that close() returns with nothing in flight
            future(t).completeExceptionally(new FetchException(FetchError.ABORTED_BY_CALLBACK, why, fatal));
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // every channel is closed already; the selector holds nothing else
        }
        publishClosed();
        terminated.complete(null);
    }

    private void publishClosed() {
        pending = 0;
        openConnections = 0;
        idleConnections = 0;
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<FetchResponse> future(Transfer t) {
        return (CompletableFuture<FetchResponse>) t.attachment();
    }

    private static long ceilMillis(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }
}
