package dev.multifetch.autoconfigure.metrics;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Transfer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Turns the engine's transfer events into meters: how each transfer ended, how long it and its
 * phases took, how many bytes it moved, whether it reused a connection. Tags are few and bounded
 * (outcome, {@link FetchError} name, direction): never a URL or a host. Together with
 * {@link FetchEngineMetrics} (the gauges) these are the engine's meters; the per-request
 * {@code http.client.requests} comes from Spring's own observation of RestClient and WebClient.
 *
 * <p>Meters: {@value #TRANSFERS} (counter) and {@value #TRANSFER_DURATION} (timer), both tagged
 * {@code outcome} = {@code SUCCESS} (a response, whatever its status, as in curl) or
 * {@code ERROR}, and {@code error} = the {@link FetchError} name or {@code none};
 * {@value #TRANSFER_BYTES} (summary, {@code direction} = {@code sent|received}, wire bytes);
 * {@value #QUEUE_TIME} (timer: waits to start, for a connection slot or held by the engine's pacing
 * or a host's block; a retry's backoff is timed apart); {@value #DNS_TIME},
 * {@value #CONNECT_TIME} and {@value #TLS_HANDSHAKE_TIME} (timers, {@code outcome});
 * {@value #CONNECTIONS_ACQUIRED} (counter, {@code reused} = {@code true|false}). A transfer
 * cancelled or stopped before it finished counts as an error, {@code ABORTED_BY_CALLBACK}. The
 * HTTP/2 events feed the {@code multifetch.http2.*} meters (connections, active streams, GOAWAYs,
 * replayed streams, flow-control stalls); the proxy handshake events feed
 * {@code multifetch.proxy.handshake.time} and {@code multifetch.proxy.handshake.errors}
 * ({@link ProxyMeters}); the retry events and the attempts of finished transfers feed
 * {@code multifetch.retries}, {@code multifetch.retry.stopped} and {@code multifetch.retry.backoff}
 * ({@link RetryMeters}).
 *
 * <p>Called on the selector thread; every method is short and never blocks.
 */
public final class MetricsFetchListener implements FetchListener {

    static final String TRANSFERS = "multifetch.transfers";
    static final String TRANSFER_DURATION = "multifetch.transfer.duration";
    static final String TRANSFER_BYTES = "multifetch.transfer.bytes";
    static final String QUEUE_TIME = "multifetch.queue.time";
    static final String DNS_TIME = "multifetch.dns.time";
    static final String CONNECT_TIME = "multifetch.connect.time";
    static final String TLS_HANDSHAKE_TIME = "multifetch.tls.handshake.time";
    static final String CONNECTIONS_ACQUIRED = "multifetch.connections.acquired";

    private static final String SUCCESS = "SUCCESS";
    private static final String ERROR = "ERROR";

    /** The phase key of a transfer's TLS handshake; one runs at a time per transfer. */
    private static final Object TLS_HANDSHAKE = new Object();

    /** The phase key of a transfer's wait for its next attempt; it ends with the wait. */
    private static final Object RETRY_BACKOFF = new Object();

    /** The phase key of a transfer retried at least once, from its first retry until it finishes. */
    private static final Object RETRIED = new Object();

    private final Clock clock;
    private final Meter.MeterProvider<Counter> transfers;
    private final Meter.MeterProvider<Timer> transferDuration;
    private final DistributionSummary bytesSent;
    private final DistributionSummary bytesReceived;
    private final Timer queueTime;
    private final Meter.MeterProvider<Timer> dnsTime;
    private final Meter.MeterProvider<Timer> connectTime;
    private final Meter.MeterProvider<Timer> tlsHandshakeTime;
    private final Meter.MeterProvider<Counter> connectionsAcquired;
    private final Http2Meters http2;
    private final ProxyMeters proxy;
    private final RetryMeters retries;

    /**
     * When each DNS lookup (by host), TCP connect (by address), TLS handshake and proxy handshake
     * ({@link ProxyHandshake}) of a transfer started; a transfer's entry goes when it finishes. Weak keys, so that no transfer stays
     * here should its last event never come (a selector loop that failed).
     */
    private final Map<Transfer, Map<Object, Long>> phaseStarts = Collections.synchronizedMap(new WeakHashMap<>());

    /** Registers the meters with {@code registry}; those tagged by an error appear with their first value. */
    public MetricsFetchListener(MeterRegistry registry) {
        this.clock = registry.config().clock();
        this.transfers = Counter.builder(TRANSFERS)
            .description("Transfers finished, by outcome and error")
            .withRegistry(registry);
        this.transferDuration = Timer.builder(TRANSFER_DURATION)
            .description("Time from a transfer's start to its end, waits for a connection included")
            .withRegistry(registry);
        this.bytesSent = bytes(registry, "sent", "Request bytes written per transfer, head included");
        this.bytesReceived = bytes(registry, "received", "Response bytes read per transfer, head included");
        this.queueTime = Timer.builder(QUEUE_TIME)
            .description("Time transfers waited to start: for a connection slot, or held by pacing or a host's block")
            .register(registry);
        this.dnsTime = Timer.builder(DNS_TIME).description("Host name lookups").withRegistry(registry);
        this.connectTime = Timer.builder(CONNECT_TIME)
            .description("TCP connects, one per address tried")
            .withRegistry(registry);
        this.tlsHandshakeTime = Timer.builder(TLS_HANDSHAKE_TIME)
            .description("TLS handshakes of new https connections")
            .withRegistry(registry);
        this.connectionsAcquired = Counter.builder(CONNECTIONS_ACQUIRED)
            .description("Connections given to transfers: new ones and ones reused from the cache")
            .withRegistry(registry);
        this.http2 = new Http2Meters(registry);
        this.proxy = new ProxyMeters(registry);
        this.retries = new RetryMeters(registry);
        registerUpFront();
    }

    /**
     * Registers, at zero, every meter whose tags are known before any transfer: a dashboard panel
     * shows 0 rather than "no data" until the first DNS lookup, connect or handshake. The meters
     * tagged by a {@link FetchError} or an HTTP/2 error code appear with their first value: their
     * tag values are many, and a zero series for each would only be noise.
     */
    private void registerUpFront() {
        for (String outcome : List.of(SUCCESS, ERROR)) {
            this.dnsTime.withTag("outcome", outcome);
            this.connectTime.withTag("outcome", outcome);
            this.tlsHandshakeTime.withTag("outcome", outcome);
        }
        this.transfers.withTags("outcome", SUCCESS, "error", "none");
        this.transferDuration.withTags("outcome", SUCCESS, "error", "none");
        this.connectionsAcquired.withTag("reused", "true");
        this.connectionsAcquired.withTag("reused", "false");
    }

    private static DistributionSummary bytes(MeterRegistry registry, String direction, String description) {
        return DistributionSummary.builder(TRANSFER_BYTES)
            .description(description)
            .baseUnit("bytes")
            .tag("direction", direction)
            .register(registry);
    }

    /** The wait that follows a retry's scheduling is its backoff, timed apart from the waits to start. */
    @Override
    public void transferDequeued(Transfer transfer, long queuedNanos) {
        if (elapsed(transfer, RETRY_BACKOFF).isPresent()) {
            this.retries.waited(queuedNanos);
        }
        else {
            this.queueTime.record(queuedNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void retryScheduled(Transfer transfer, int attempt, long delayNanos, String reason) {
        this.retries.scheduled();
        started(transfer, RETRY_BACKOFF);
        this.phaseStarts.get(transfer).putIfAbsent(RETRIED, this.clock.monotonicTime());
    }

    @Override
    public void dnsStart(Transfer transfer, String host) {
        started(transfer, host);
    }

    @Override
    public void dnsEnd(Transfer transfer, String host, List<InetAddress> addresses) {
        stopped(transfer, host, this.dnsTime.withTag("outcome", SUCCESS));
    }

    @Override
    public void dnsFailed(Transfer transfer, String host, Exception cause) {
        stopped(transfer, host, this.dnsTime.withTag("outcome", ERROR));
    }

    @Override
    public void connectStart(Transfer transfer, InetSocketAddress address) {
        started(transfer, address);
    }

    @Override
    public void connectEnd(Transfer transfer, InetSocketAddress address) {
        stopped(transfer, address, this.connectTime.withTag("outcome", SUCCESS));
    }

    @Override
    public void connectFailed(Transfer transfer, InetSocketAddress address, Exception cause) {
        stopped(transfer, address, this.connectTime.withTag("outcome", ERROR));
    }

    @Override
    public void tlsStart(Transfer transfer) {
        started(transfer, TLS_HANDSHAKE);
    }

    @Override
    public void tlsEnd(Transfer transfer, String protocol, String cipherSuite) {
        stopped(transfer, TLS_HANDSHAKE, this.tlsHandshakeTime.withTag("outcome", SUCCESS));
    }

    @Override
    public void tlsFailed(Transfer transfer, Exception cause) {
        stopped(transfer, TLS_HANDSHAKE, this.tlsHandshakeTime.withTag("outcome", ERROR));
    }

    /** A handshake that starts again (on a new connection after a 407) is timed from its first start. */
    @Override
    public void proxyHandshakeStart(Transfer transfer, String proxy) {
        this.phaseStarts.computeIfAbsent(transfer, (t) -> new HashMap<>())
            .putIfAbsent(new ProxyHandshake(ProxyMeters.type(proxy)), this.clock.monotonicTime());
    }

    /** Forwarding through an http proxy ends a handshake that never started: no series is made for it. */
    @Override
    public void proxyHandshakeEnd(Transfer transfer, String proxy, int connectCode) {
        handshakeEnded(transfer, ProxyMeters.type(proxy), SUCCESS);
    }

    @Override
    public void proxyHandshakeFailed(Transfer transfer, String proxy, Exception cause) {
        handshakeFailed(transfer, ProxyMeters.type(proxy), ProxyMeters.error(cause));
    }

    private void handshakeFailed(Transfer transfer, String type, String error) {
        handshakeEnded(transfer, type, ERROR);
        this.proxy.failed(type, error);
    }

    /** Times the handshake through a proxy of {@code type} if its start was seen; makes no series otherwise. */
    private void handshakeEnded(Transfer transfer, String type, String outcome) {
        elapsed(transfer, new ProxyHandshake(type))
            .ifPresent((nanos) -> this.proxy.time(type, outcome).record(nanos, TimeUnit.NANOSECONDS));
    }

    @Override
    public void connectionAcquired(Transfer transfer, long connectionId, boolean reused) {
        this.connectionsAcquired.withTag("reused", Boolean.toString(reused)).increment();
    }

    @Override
    public void http2ConnectionOpened(long connectionId) {
        this.http2.connectionOpened(connectionId);
    }

    @Override
    public void http2ConnectionClosed(long connectionId) {
        this.http2.connectionClosed(connectionId);
    }

    @Override
    public void streamOpened(Transfer transfer, long connectionId, int streamId) {
        this.http2.streamOpened(connectionId, streamId);
    }

    @Override
    public void streamClosed(Transfer transfer, long connectionId, int streamId, long errorCode) {
        this.http2.streamClosed(connectionId, streamId);
    }

    @Override
    public void goawayReceived(long connectionId, long errorCode, int lastStreamId) {
        this.http2.goaway(errorCode);
    }

    @Override
    public void streamReplayed(Transfer transfer, long errorCode) {
        this.http2.streamReplayed(errorCode);
    }

    @Override
    public void flowControlStalled(Transfer transfer, int streamId) {
        this.http2.flowControlStalled();
    }

    @Override
    public void transferDone(Transfer transfer, FetchResponse response) {
        this.retries.answered(response);
        finished(transfer, SUCCESS, "none");
    }

    /** A transfer that ends in the middle of a proxy handshake (a stalled proxy times out) fails that handshake too. */
    @Override
    public void transferFailed(Transfer transfer, FetchException failure) {
        Map<Object, Long> starts = this.phaseStarts.get(transfer);
        if (starts != null) {
            List.copyOf(starts.keySet()).stream()
                .filter(ProxyHandshake.class::isInstance)
                .forEach((phase) -> handshakeFailed(transfer, ((ProxyHandshake) phase).type(), failure.error().name()));
            if (starts.containsKey(RETRIED)) {
                this.retries.failedAfterRetries();
            }
        }
        finished(transfer, ERROR, failure.error().name());
    }

    private void finished(Transfer transfer, String outcome, String error) {
        this.phaseStarts.remove(transfer);
        this.transfers.withTags("outcome", outcome, "error", error).increment();
        Duration total = transfer.timings().total();
        this.transferDuration.withTags("outcome", outcome, "error", error).record(total);
        this.bytesSent.record(transfer.bytesSent());
        this.bytesReceived.record(transfer.bytesReceived());
    }

    private void started(Transfer transfer, Object phase) {
        this.phaseStarts.computeIfAbsent(transfer, (t) -> new HashMap<>()).put(phase, this.clock.monotonicTime());
    }

    /** Records the time since {@code phase} started, if its start was seen. */
    private void stopped(Transfer transfer, Object phase, Timer timer) {
        elapsed(transfer, phase).ifPresent((nanos) -> timer.record(nanos, TimeUnit.NANOSECONDS));
    }

    /** Nanoseconds since {@code phase} started, which then ends; empty if its start was not seen. */
    private OptionalLong elapsed(Transfer transfer, Object phase) {
        Map<Object, Long> starts = this.phaseStarts.get(transfer);
        Long start = (starts != null) ? starts.remove(phase) : null;
        return (start != null) ? OptionalLong.of(this.clock.monotonicTime() - start) : OptionalLong.empty();
    }

    /** The phase key of a transfer's proxy handshake, through a proxy of {@code type}. */
    private record ProxyHandshake(String type) {
    }
}
