package dev.multifetch.core.connection;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Runs blocking work (host-name lookups, TLS handshake tasks) on a small pool of daemon threads
 * and hands each result back to the driving thread through a pipe whose read end is a selectable
 * channel, so the event loop learns of it like any other socket. libcurl: the threaded resolver
 * and its socketpair.
 *
 * <p>{@link #submit} and {@link #drain} are called on the driving thread only; pool threads only
 * append to a concurrent queue and write one wakeup byte.
 */
public final class Mailbox implements Closeable {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ThreadPoolExecutor pool;
    private final Queue<Runnable> replies = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final ByteBuffer wakeByte = ByteBuffer.allocate(1);
    private final ByteBuffer drainBuf = ByteBuffer.allocate(64);
    private Pipe pipe;
    private int outstanding;

    /** A mailbox running work on at most {@code threads} threads, started on demand. */
    public Mailbox(int threads) {
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "multifetch-worker-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** The channel that becomes readable when replies wait; opened on first use. */
    public synchronized Pipe.SourceChannel channel() {
        if (pipe == null) {
            try {
                pipe = Pipe.open();
                pipe.source().configureBlocking(false);
                pipe.sink().configureBlocking(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the mailbox's wakeup pipe", e);
            }
        }
        return pipe.source();
    }

    /**
     * Runs {@code work} on a pool thread; its result (or failure) is handed to {@code reply} on
     * the driving thread at a later {@link #drain()}.
     */
    public <T> void submit(Callable<T> work, BiConsumer<T, Exception> reply) {
        Pipe.SinkChannel sink = channel().isOpen() ? pipe.sink() : null;
        outstanding++;
        pool.execute(() -> {
            T result = null;
            Exception failure = null;
            try {
                result = work.call();
            } catch (Exception e) {
                failure = e;
            } catch (LinkageError | AssertionError e) {
                failure = new IllegalStateException(e);
            }
            T value = result;
            Exception error = failure;
            enqueue(() -> {
                outstanding--;
                reply.accept(value, error);
            }, sink);
        });
    }

    /**
     * Runs {@code task} on the driving thread at its next {@link #drain()}. Thread-safe; the
     * driving thread must keep {@link #channel()} watched while such posts may come.
     */
    public void post(Runnable task) {
        enqueue(task, channel().isOpen() ? pipe.sink() : null);
    }

    private void enqueue(Runnable task, Pipe.SinkChannel sink) {
        replies.add(task);
        if (signalled.compareAndSet(false, true) && sink != null) {
            wake(sink);
        }
    }

    private void wake(Pipe.SinkChannel sink) {
        try {
            synchronized (wakeByte) {
                sink.write(wakeByte.clear());
            }
        } catch (IOException closed) {
            // the multi handle closed meanwhile; nobody waits for this reply
        }
    }

    /** Runs every reply that arrived, on the calling (driving) thread; call when {@link #channel()} is readable. */
    public void drain() {
        try {
            while (pipe != null && pipe.source().read(drainBuf.clear()) > 0) {
                // empty the pipe; the replies are in the queue
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mailbox's wakeup pipe", e);
        }
        signalled.set(false);
        for (Runnable r; (r = replies.poll()) != null; ) {
            r.run();
        }
    }

    /** Work submitted whose reply has not been drained. */
    public int outstanding() {
        return outstanding;
    }

    /** Whether the wakeup pipe was ever opened. */
    public boolean hasChannel() {
        return pipe != null;
    }

    /** Stops the threads (a lookup stuck in the system resolver ends on its own) and closes the pipe. */
    @Override
    public void close() {
        pool.shutdownNow();
        if (pipe != null) {
            try {
                pipe.source().close();
                pipe.sink().close();
            } catch (IOException ignored) {
                // closing is best effort; the pipe holds no data anyone needs
            }
        }
    }
}
