package dev.multifetch.sample.fetch;

import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.multifetch.core.BodyConsumer;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Transfer;

/**
 * The transfers this service has running, for {@code GET /api/transfers} and
 * {@code DELETE /api/transfers/{id}}; also a {@link FetchListener} of the engine, so each entry
 * says which phase its transfer is in, and so the dashboard can count every finished transfer.
 * Listener methods run on the selector thread and only write a field or two.
 */
public final class TransferRegistry implements FetchListener {

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Entry> byId = new ConcurrentHashMap<>();
    /**
     * By the body capture each entry's request carries: the engine may run a copy of the request
     * (an interceptor's header fields, such as traceparent, make one), which keeps its body consumer.
     */
    private final Map<BodyConsumer, Entry> byCapture = new ConcurrentHashMap<>();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /** Registers a transfer about to be started for {@code request}. */
    Entry add(String url, FetchRequest request, BodyCapture capture) {
        Entry entry = new Entry(this.ids.incrementAndGet(), url, request, capture, System.nanoTime());
        this.byId.put(entry.id, entry);
        this.byCapture.put(capture, entry);
        return entry;
    }

    void remove(Entry entry) {
        this.byId.remove(entry.id);
        this.byCapture.remove(entry.capture);
    }

    /** What is running now, oldest first. */
    public List<TransferView> running() {
        long now = System.nanoTime();
        return this.byId.values()
            .stream()
            .sorted(Comparator.comparingLong((Entry entry) -> entry.id))
            .map((entry) -> entry.view(now))
            .toList();
    }

    /** Cancels the transfer with {@code id}; false when no such transfer is running. */
    public boolean cancel(long id) {
        Entry entry = this.byId.get(id);
        if (entry == null) {
            return false;
        }
        entry.cancel();
        return true;
    }

    /** Transfers of the engine (of any caller) that ended with a response, since start. */
    public long succeededTransfers() {
        return this.succeeded.get();
    }

    /** Transfers of the engine (of any caller) that ended with an error, since start. */
    public long failedTransfers() {
        return this.failed.get();
    }

    /**
     * Waiting for a connection slot, or held back by the engine's pacing or a host's Retry-After;
     * the wait that follows a retry's scheduling is its backoff.
     */
    @Override
    public void transferQueued(Transfer transfer) {
        Entry entry = this.byCapture.get(transfer.request().bodyConsumer());
        if (entry != null && !entry.backingOff) {
            entry.phase = "waiting to start";
        }
        else if (entry != null) {
            entry.backingOff = false;
        }
    }

    /** The attempt that ended was {@code attempt}; the next one starts after the backoff. */
    @Override
    public void retryScheduled(Transfer transfer, int attempt, long delayNanos, String reason) {
        Entry entry = this.byCapture.get(transfer.request().bodyConsumer());
        if (entry != null) {
            entry.attempts = attempt + 1;
            entry.backingOff = true;
            entry.phase = "waiting to retry";
        }
    }

    @Override
    public void dnsStart(Transfer transfer, String host) {
        phase(transfer, "resolving");
    }

    @Override
    public void connectStart(Transfer transfer, InetSocketAddress address) {
        phase(transfer, "connecting");
    }

    @Override
    public void tlsStart(Transfer transfer) {
        phase(transfer, "TLS handshake");
    }

    @Override
    public void connectionAcquired(Transfer transfer, long connectionId, boolean reused) {
        phase(transfer, "sending");
    }

    @Override
    public void requestSent(Transfer transfer, long bytes) {
        phase(transfer, "waiting for response");
    }

    @Override
    public void responseHeaders(Transfer transfer, int status) {
        phase(transfer, "receiving");
    }

    @Override
    public void transferDone(Transfer transfer, FetchResponse response) {
        this.succeeded.incrementAndGet();
        finished(transfer);
    }

    @Override
    public void transferFailed(Transfer transfer, FetchException failure) {
        this.failed.incrementAndGet();
        finished(transfer);
    }

    private void finished(Transfer transfer) {
        Entry entry = this.byCapture.get(transfer.request().bodyConsumer());
        if (entry != null) {
            entry.phase = "done";
            entry.timings = FetchResult.PhaseTimes.of(transfer.timings());
        }
    }

    private void phase(Transfer transfer, String phase) {
        Entry entry = this.byCapture.get(transfer.request().bodyConsumer());
        if (entry != null) {
            entry.phase = phase;
        }
    }

    /**
     * A running transfer as {@code GET /api/transfers} shows it.
     *
     * @param id the id to cancel it by
     * @param url the URL asked for
     * @param method the request method
     * @param state the phase it is in: queued, waiting to start, resolving, connecting, sending,
     * receiving, waiting to retry, ...
     * @param attempt the attempt running or next: 1, plus one per retry
     * @param elapsedMs time since it was started
     * @param bytes body bytes received so far
     */
    public record TransferView(long id, String url, String method, String state, int attempt, long elapsedMs,
            long bytes) {
    }

    /** One running transfer. */
    static final class Entry {

        final long id;
        final String url;
        final FetchRequest request;
        private final BodyCapture capture;
        private final long startNanos;
        private volatile String phase = "queued";
        private volatile int attempts = 1;
        private volatile boolean backingOff;
        private volatile FetchResult.PhaseTimes timings;
        private volatile CompletableFuture<?> future;
        private volatile boolean cancelled;

        Entry(long id, String url, FetchRequest request, BodyCapture capture, long startNanos) {
            this.id = id;
            this.url = url;
            this.request = request;
            this.capture = capture;
            this.startNanos = startNanos;
        }

        /** The engine's future, cancelled at once if a cancel came first. */
        void attach(CompletableFuture<?> future) {
            this.future = future;
            if (this.cancelled) {
                future.cancel(true);
            }
        }

        void cancel() {
            this.cancelled = true;
            CompletableFuture<?> attached = this.future;
            if (attached != null) {
                attached.cancel(true);
            }
        }

        /** Attempts made so far: 1, plus one per retry scheduled. */
        int attempts() {
            return this.attempts;
        }

        /** The final timings, once the engine reported them. */
        Optional<FetchResult.PhaseTimes> timings() {
            return Optional.ofNullable(this.timings);
        }

        TransferView view(long nowNanos) {
            return new TransferView(this.id, this.url, this.request.method(), this.phase, this.attempts,
                    (nowNanos - this.startNanos) / 1_000_000, this.capture.delivered());
        }
    }
}
