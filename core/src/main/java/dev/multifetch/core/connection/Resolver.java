package dev.multifetch.core.connection;

import dev.multifetch.core.HostResolver;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resolves host names on a small pool of daemon threads and hands the answers back to the
 * driving thread through a pipe whose read end is a selectable channel, so the event loop learns
 * of them like any other socket. libcurl: the threaded resolver and its socketpair.
 *
 * <p>{@link #resolve} and {@link #drain} are called on the driving thread only; the pool threads
 * only append to a concurrent queue and write one wakeup byte.
 */
public final class Resolver implements Closeable {

    private static final AtomicInteger THREADS = new AtomicInteger();

    /** One answer: the addresses, or the failure. {@code owner} and {@code token} are the caller's. */
    public record Result(Object owner, long token, InetAddress[] addresses, Exception error) {
    }

    private final HostResolver hostResolver;
    private final ThreadPoolExecutor pool;
    private final Queue<Result> answers = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final ByteBuffer wakeByte = ByteBuffer.allocate(1);
    private final ByteBuffer drainBuf = ByteBuffer.allocate(64);
    private Pipe pipe;
    private int outstanding;

    /** A resolver running {@code hostResolver} on at most {@code threads} threads, started on demand. */
    public Resolver(HostResolver hostResolver, int threads) {
        this.hostResolver = hostResolver;
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "multifetch-resolver-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** The channel that becomes readable when answers are waiting; opened on first use. */
    public Pipe.SourceChannel channel() {
        if (pipe == null) {
            try {
                pipe = Pipe.open();
                pipe.source().configureBlocking(false);
                pipe.sink().configureBlocking(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the resolver's wakeup pipe", e);
            }
        }
        return pipe.source();
    }

    /** Starts resolving {@code host}; the answer comes back from {@link #drain} with owner and token. */
    public void resolve(Object owner, long token, String host) {
        channel();
        Pipe.SinkChannel sink = pipe.sink();
        outstanding++;
        pool.execute(() -> {
            Result result;
            try {
                result = new Result(owner, token, hostResolver.resolve(host), null);
            } catch (Exception | LinkageError e) {
                result = new Result(owner, token, null, e instanceof Exception ex ? ex : new IOException(e));
            }
            answers.add(result);
            if (signalled.compareAndSet(false, true)) {
                wake(sink);
            }
        });
    }

    private void wake(Pipe.SinkChannel sink) {
        try {
            synchronized (wakeByte) {
                wakeByte.clear();
                sink.write(wakeByte);
            }
        } catch (IOException closed) {
            // the multi handle closed meanwhile; nobody waits for this answer
        }
    }

    /** Takes every answer that arrived; call when {@link #channel()} is readable. */
    public List<Result> drain() {
        try {
            while (pipe != null && pipe.source().read(drainBuf.clear()) > 0) {
                // empty the pipe; answers are in the queue
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the resolver's wakeup pipe", e);
        }
        signalled.set(false);
        List<Result> results = new ArrayList<>();
        for (Result r; (r = answers.poll()) != null; ) {
            results.add(r);
        }
        outstanding -= results.size();
        return results;
    }

    /** Lookups started and not yet drained. */
    public int outstanding() {
        return outstanding;
    }

    /** Whether the wakeup pipe was ever opened. */
    public boolean hasChannel() {
        return pipe != null;
    }

    /** Stops the threads and closes the pipe. */
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
