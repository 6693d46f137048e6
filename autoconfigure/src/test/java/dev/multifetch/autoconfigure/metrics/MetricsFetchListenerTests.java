package dev.multifetch.autoconfigure.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import dev.multifetch.core.Transfer;
import dev.multifetch.core.http2.ErrorCode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters before any event, and the HTTP/2, proxy and retry meters driven through the listener's methods as the engine calls them. */
class MetricsFetchListenerTests {

    private final MockClock clock = new MockClock();

    private final MeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

    private final FetchListener listener = new MetricsFetchListener(this.registry);

    private final Transfer transfer = new Transfer(FetchRequest.get("https://127.0.0.1/"));

    @Test
    void whenNoHttp2EventYetThenGaugesReadZeroAndCountersAreAbsentOrZero() {
        assertThat(gauge(Http2Meters.CONNECTIONS)).isZero();
        assertThat(gauge(Http2Meters.STREAMS_ACTIVE)).isZero();
        assertThat(this.registry.get(Http2Meters.FLOW_STALLS).counter().count()).isZero();
        assertThat(this.registry.find(Http2Meters.GOAWAYS).counter()).isNull();
        assertThat(this.registry.find(Http2Meters.STREAMS_REPLAYED).counter()).isNull();
    }

    @ParameterizedTest
    @CsvSource({ "multifetch.dns.time", "multifetch.connect.time", "multifetch.tls.handshake.time" })
    void whenNoTransferYetThenPhaseTimersArePresentAtZeroForBothOutcomes(String name) {
        for (String outcome : new String[] { "SUCCESS", "ERROR" }) {
            assertThat(this.registry.get(name).tag("outcome", outcome).timer().count()).isZero();
        }
    }

    @Test
    void whenNoTransferYetThenTheSuccessSeriesAndConnectionCountersArePresentAtZero() {
        assertThat(this.registry.get(MetricsFetchListener.TRANSFERS).tags("outcome", "SUCCESS", "error", "none").counter().count())
            .isZero();
        assertThat(this.registry.get(MetricsFetchListener.TRANSFER_DURATION).tag("outcome", "SUCCESS").timer().count()).isZero();
        assertThat(this.registry.get(MetricsFetchListener.CONNECTIONS_ACQUIRED).counters()).hasSize(2);
        assertThat(this.registry.get(MetricsFetchListener.QUEUE_TIME).timer().count()).isZero();
    }

    @Test
    void whenConnectionsAndStreamsOpenAndCloseThenGaugesFollow() {
        this.listener.http2ConnectionOpened(1);
        this.listener.http2ConnectionOpened(2);
        this.listener.streamOpened(this.transfer, 1, 1);
        this.listener.streamOpened(this.transfer, 1, 3);
        this.listener.streamOpened(this.transfer, 2, 1);
        assertThat(gauge(Http2Meters.CONNECTIONS)).isEqualTo(2);
        assertThat(gauge(Http2Meters.STREAMS_ACTIVE)).isEqualTo(3);

        this.listener.streamClosed(this.transfer, 1, 1, ErrorCode.NO_ERROR);
        this.listener.streamClosed(this.transfer, 2, 1, ErrorCode.CANCEL);
        assertThat(gauge(Http2Meters.CONNECTIONS)).isEqualTo(2);
        assertThat(gauge(Http2Meters.STREAMS_ACTIVE)).isEqualTo(1);

        this.listener.http2ConnectionClosed(2);
        assertThat(gauge(Http2Meters.CONNECTIONS)).isEqualTo(1);
        assertThat(gauge(Http2Meters.STREAMS_ACTIVE)).isEqualTo(1);
    }

    @Test
    void whenConnectionClosesWithStreamsOpenThenTheyNoLongerCount() {
        this.listener.http2ConnectionOpened(7);
        this.listener.streamOpened(this.transfer, 7, 1);
        this.listener.streamOpened(this.transfer, 7, 3);

        this.listener.http2ConnectionClosed(7);
        this.listener.streamClosed(this.transfer, 7, 3, ErrorCode.NO_ERROR);

        assertThat(gauge(Http2Meters.CONNECTIONS)).isZero();
        assertThat(gauge(Http2Meters.STREAMS_ACTIVE)).isZero();
    }

    @Test
    void whenStreamOpensOnAConnectionNotAnnouncedThenBothCount() {
        this.listener.streamOpened(this.transfer, 9, 1);

        assertThat(gauge(Http2Meters.CONNECTIONS)).isEqualTo(1);
        assertThat(gauge(Http2Meters.STREAMS_ACTIVE)).isEqualTo(1);
    }

    @Test
    void whenGoawaysArriveThenTheyCountByErrorName() {
        this.listener.goawayReceived(1, ErrorCode.NO_ERROR, 5);
        this.listener.goawayReceived(2, ErrorCode.NO_ERROR, 0);
        this.listener.goawayReceived(3, ErrorCode.ENHANCE_YOUR_CALM, 1);
        this.listener.goawayReceived(4, 0xbad, 1);

        assertThat(goaways("NO_ERROR")).isEqualTo(2);
        assertThat(goaways("ENHANCE_YOUR_CALM")).isEqualTo(1);
        assertThat(goaways("UNKNOWN")).isEqualTo(1);
    }

    @Test
    void whenStreamsAreReplayedThenTheyCountByErrorName() {
        this.listener.streamReplayed(this.transfer, ErrorCode.REFUSED_STREAM);
        this.listener.streamReplayed(this.transfer, ErrorCode.REFUSED_STREAM);
        this.listener.streamReplayed(this.transfer, ErrorCode.HTTP_1_1_REQUIRED);

        assertThat(this.registry.get(Http2Meters.STREAMS_REPLAYED).tag("error", "REFUSED_STREAM").counter().count())
            .isEqualTo(2);
        assertThat(this.registry.get(Http2Meters.STREAMS_REPLAYED).tag("error", "HTTP_1_1_REQUIRED").counter().count())
            .isEqualTo(1);
    }

    @Test
    void whenFlowControlStallsThenTheyAreCounted() {
        this.listener.flowControlStalled(this.transfer, 1);
        this.listener.flowControlStalled(this.transfer, 3);

        assertThat(this.registry.get(Http2Meters.FLOW_STALLS).counter().count()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({ "0, NO_ERROR", "1, PROTOCOL_ERROR", "2, INTERNAL_ERROR", "3, FLOW_CONTROL_ERROR",
            "4, SETTINGS_TIMEOUT", "5, STREAM_CLOSED", "6, FRAME_SIZE_ERROR", "7, REFUSED_STREAM", "8, CANCEL",
            "9, COMPRESSION_ERROR", "10, CONNECT_ERROR", "11, ENHANCE_YOUR_CALM", "12, INADEQUATE_SECURITY",
            "13, HTTP_1_1_REQUIRED", "14, UNKNOWN", "-1, UNKNOWN", "4294967295, UNKNOWN" })
    void whenGoawayAndReplayCarryAnErrorCodeThenTheTagIsItsRfcNameOrUnknown(long code, String name) {
        this.listener.goawayReceived(1, code, 0);
        this.listener.streamReplayed(this.transfer, code);

        assertThat(goaways(name)).isEqualTo(1);
        assertThat(this.registry.get(Http2Meters.STREAMS_REPLAYED).tag("error", name).counter().count()).isEqualTo(1);
    }

    @Test
    void whenProxyHandshakeEndsThenItIsTimedByTypeFromItsFirstStart() {
        this.listener.proxyHandshakeStart(this.transfer, "socks5h://proxy.internal:1080");
        this.clock.add(Duration.ofMillis(20));
        this.listener.proxyHandshakeStart(this.transfer, "socks5h://proxy.internal:1080");
        this.clock.add(Duration.ofMillis(10));
        this.listener.proxyHandshakeEnd(this.transfer, "socks5h://proxy.internal:1080", 0);

        Timer timer = proxyTime("SUCCESS", "socks5h");
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30);
        assertThat(this.registry.find(ProxyMeters.HANDSHAKE_ERRORS).counter()).isNull();
    }

    @Test
    void whenForwardingEndsWithoutAHandshakeThenNothingIsTimed() {
        this.listener.proxyHandshakeEnd(this.transfer, "http://proxy.internal:3128", 0);

        assertThat(this.registry.find(ProxyMeters.HANDSHAKE_TIME).timer()).isNull();
    }

    @Test
    void whenProxyHandshakesFailThenTheyAreTimedAsErrorsAndCountedByDetail() {
        Transfer second = new Transfer(FetchRequest.get("https://127.0.0.1/"));
        this.listener.proxyHandshakeStart(this.transfer, "http://proxy.internal:3128");
        this.listener.proxyHandshakeFailed(this.transfer, "http://proxy.internal:3128",
                new ProxyException(ProxyError.CONNECT_REJECTED, "http://proxy.internal:3128", 403, "rejected"));
        this.listener.proxyHandshakeStart(second, "https://proxy.internal:443");
        this.listener.proxyHandshakeFailed(second, "https://proxy.internal:443", new SSLHandshakeException("bad certificate"));

        assertThat(proxyTime("ERROR", "http").count()).isEqualTo(1);
        assertThat(proxyTime("ERROR", "https").count()).isEqualTo(1);
        assertThat(proxyErrors("http", "CONNECT_REJECTED")).isEqualTo(1);
        assertThat(proxyErrors("https", "TLS")).isEqualTo(1);
    }

    @Test
    void whenTransferFailsInTheMiddleOfAProxyHandshakeThenTheHandshakeFailsWithTheTransfersError() {
        this.listener.proxyHandshakeStart(this.transfer, "socks4a://proxy.internal:1080");
        this.clock.add(Duration.ofSeconds(10));
        this.listener.transferFailed(this.transfer, new FetchException(FetchError.OPERATION_TIMEDOUT, "connect timeout"));

        assertThat(proxyTime("ERROR", "socks4a").totalTime(TimeUnit.SECONDS)).isEqualTo(10);
        assertThat(proxyErrors("socks4a", "OPERATION_TIMEDOUT")).isEqualTo(1);
    }

    @Test
    void whenNoTransferYetThenRetryMetersArePresentAtZero() {
        assertThat(this.registry.get(RetryMeters.RETRIES).counters()).extracting((c) -> c.getId().getTag("outcome"))
            .containsExactlyInAnyOrder("scheduled", "retried-success", "retried-failure");
        assertThat(this.registry.get(RetryMeters.RETRY_STOPPED).counters()).extracting((c) -> c.getId().getTag("reason"))
            .containsExactlyInAnyOrder("no-retries-left", "budget", "max-retry-after", "max-retry-time", "not-idempotent");
        assertThat(this.registry.get(RetryMeters.RETRY_BACKOFF).timer().count()).isZero();
    }

    @Test
    void whenARetrysBackoffEndsThenItIsTimedApartFromTheWaitsToStart() {
        this.listener.retryScheduled(this.transfer, 1, 400_000_000L, "HTTP 503");
        this.listener.transferQueued(this.transfer);
        this.listener.transferDequeued(this.transfer, 500_000_000L);
        this.listener.transferQueued(this.transfer);
        this.listener.transferDequeued(this.transfer, 20_000_000L);

        assertThat(retries("scheduled")).isEqualTo(1);
        Timer backoff = this.registry.get(RetryMeters.RETRY_BACKOFF).timer();
        assertThat(backoff.count()).isEqualTo(1);
        assertThat(backoff.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(500);
        Timer queued = this.registry.get(MetricsFetchListener.QUEUE_TIME).timer();
        assertThat(queued.count()).isEqualTo(1);
        assertThat(queued.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(20);
    }

    @Test
    void whenATransferThatWasRetriedFailsThenItCountsAsARetriedFailure() {
        Transfer once = new Transfer(FetchRequest.get("https://127.0.0.1/once"));
        this.listener.retryScheduled(this.transfer, 1, 0, "OPERATION_TIMEDOUT");
        this.listener.retryScheduled(this.transfer, 2, 0, "OPERATION_TIMEDOUT");
        this.listener.transferFailed(this.transfer, new FetchException(FetchError.OPERATION_TIMEDOUT, "timed out"));
        this.listener.transferFailed(once, new FetchException(FetchError.OPERATION_TIMEDOUT, "timed out"));

        assertThat(retries("scheduled")).isEqualTo(2);
        assertThat(retries("retried-failure")).isEqualTo(1);
    }

    private double retries(String outcome) {
        return this.registry.get(RetryMeters.RETRIES).tag("outcome", outcome).counter().count();
    }

    private Timer proxyTime(String outcome, String type) {
        return this.registry.get(ProxyMeters.HANDSHAKE_TIME).tags("outcome", outcome, "type", type).timer();
    }

    private double proxyErrors(String type, String error) {
        return this.registry.get(ProxyMeters.HANDSHAKE_ERRORS).tags("type", type, "error", error).counter().count();
    }

    private double gauge(String name) {
        return this.registry.get(name).gauge().value();
    }

    private double goaways(String error) {
        return this.registry.get(Http2Meters.GOAWAYS).tag("error", error).counter().count();
    }
}
