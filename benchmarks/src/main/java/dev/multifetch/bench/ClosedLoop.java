package dev.multifetch.bench;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load of one phase: {@code concurrency} chains each send a request, wait for its
 * end and send the next, until {@code requests} were sent or the time limit passed; then the phase
 * waits (bounded) for the requests in flight. Latency is recorded per successful request, from
 * the call to the client to its callback, in nanoseconds.
 */
final class ClosedLoop {

    /** Deeper inline completions than this are handed to another thread to bound the stack. */
    private static final int MAX_INLINE_DEPTH = 16;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final Contestant client;
    private final URI[] uris;
    private final long expectBytes;
    private final int requests;
    private final long deadlineNanos;
    private final Recorder latencies;
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicLong lastEndNanos = new AtomicLong();
    private final AtomicInteger firstErrorShown = new AtomicInteger();
    private final CountDownLatch chainsDone;
    private final int chains;
    private long startNanos;

    ClosedLoop(Contestant client, URI[] uris, long expectBytes, int requests, int concurrency,
               long maxNanos, Recorder latencies) {
        this.client = client;
        this.uris = uris;
        this.expectBytes = expectBytes;
        this.requests = requests;
        this.chains = Math.max(1, Math.min(concurrency, requests));
        this.chainsDone = new CountDownLatch(chains);
        this.latencies = latencies;
        this.deadlineNanos = System.nanoTime() + maxNanos;
    }

    /** Starts every chain from the calling thread; returns once all are started. */
    void start() {
        startNanos = System.nanoTime();
        lastEndNanos.set(startNanos);
        for (int i = 0; i < chains; i++) {
            next();
        }
    }

    /** Waits at most {@code graceNanos} past the time limit for every chain to end; false if some did not. */
    boolean await(long graceNanos) throws InterruptedException {
        long wait = Math.max(0, deadlineNanos - System.nanoTime()) + graceNanos;
        return chainsDone.await(wait, TimeUnit.NANOSECONDS);
    }

    /** Requests sent so far. */
    int issued() {
        return Math.min(issued.get(), requests);
    }

    /** Requests ended so far, well or not. */
    int ended() {
        return ok.get() + errors.get();
    }

    int ok() {
        return ok.get();
    }

    int errors() {
        return errors.get();
    }

    /** Nanoseconds from the start to the last request's end. */
    long elapsedNanos() {
        return lastEndNanos.get() - startNanos;
    }

    private void next() {
        int i = issued.getAndIncrement();
        if (i >= requests || System.nanoTime() - deadlineNanos > 0) {
            chainsDone.countDown();
            return;
        }
        URI uri = uris[i % uris.length];
        long start = System.nanoTime();
        int[] depth = DEPTH.get();
        depth[0]++;
        try {
            client.get(uri, (status, bytes, failure) -> ended(start, status, bytes, failure));
        } finally {
            depth[0]--;
        }
    }

    private void ended(long start, int status, long bytes, Throwable failure) {
        long end = System.nanoTime();
        if (failure == null && status == 200 && (expectBytes < 0 || bytes == expectBytes)) {
            latencies.recordValue(end - start);
            ok.incrementAndGet();
        } else {
            errors.incrementAndGet();
            if (firstErrorShown.getAndIncrement() == 0) {
                System.err.println("first failed request: status " + status + ", " + bytes + " bytes, " + failure);
            }
        }
        lastEndNanos.accumulateAndGet(end, Math::max);
        if (DEPTH.get()[0] > MAX_INLINE_DEPTH) {
            ForkJoinPool.commonPool().execute(this::next);
        } else {
            next();
        }
    }
}
