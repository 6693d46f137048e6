package dev.multifetch.autoconfigure.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.autoconfigure.MultifetchOptionsCustomizer;
import dev.multifetch.autoconfigure.testing.FlakyServer;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.TlsConfig;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.TestCertificates;
import dev.multifetch.core.testing.TlsServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class MultifetchMetricsAutoConfigurationTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                    MultifetchAutoConfiguration.class, MultifetchMetricsAutoConfiguration.class));

    @Test
    void whenMeterRegistryPresentThenGaugesReadTheEngine() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(MetricsFetchListener.class).hasSingleBean(FetchEngineMetrics.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("multifetch.handles.running").gauge().value()).isZero();
            assertThat(registry.get("multifetch.handles.pending").gauge().value()).isZero();
            assertThat(registry.get("multifetch.connections").tag("state", "active").gauge().value()).isZero();
            assertThat(registry.get("multifetch.connections").tag("state", "idle").gauge().value()).isZero();
            assertThat(registry.get("multifetch.http2.connections").gauge().value()).isZero();
            assertThat(registry.get("multifetch.http2.streams.active").gauge().value()).isZero();
            assertThat(registry.get("multifetch.hosts.blocked").gauge().value()).isZero();
        });
    }

    @Test
    void whenMicrometerMissingThenEngineWithoutMeters() {
        this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core")).run((context) -> {
            assertThat(context).hasNotFailed().hasSingleBean(FetchEngine.class);
            assertThat(context).doesNotHaveBean(MetricsFetchListener.class).doesNotHaveBean(FetchEngineMetrics.class);
        });
    }

    @Test
    void whenNoMeterRegistryThenEngineWithoutMeters() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MultifetchAutoConfiguration.class,
                    MultifetchMetricsAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).hasNotFailed().hasSingleBean(FetchEngine.class);
                assertThat(context).doesNotHaveBean(MetricsFetchListener.class)
                    .doesNotHaveBean(FetchEngineMetrics.class);
            });
    }

    @Test
    void whenMetricsDisabledThenNoMeters() {
        this.contextRunner.withPropertyValues("multifetch.metrics.enabled=false").run((context) -> {
            assertThat(context).hasSingleBean(FetchEngine.class);
            assertThat(context).doesNotHaveBean(MetricsFetchListener.class).doesNotHaveBean(FetchEngineMetrics.class);
            assertThat(context.getBean(MeterRegistry.class).find("multifetch.handles.running").gauge()).isNull();
        });
    }

    @Test
    void whenUserDefinesEngineThenGaugesReadIt() {
        this.contextRunner.withBean("userEngine", FetchEngine.class, FetchEngine::create).run((context) -> {
            assertThat(context).hasSingleBean(FetchEngine.class).hasSingleBean(FetchEngineMetrics.class);
            assertThat(context.getBean(MeterRegistry.class).find("multifetch.handles.running").gauge()).isNotNull();
        });
    }

    @Test
    void whenSlowTransferRunsThenRunningHandlesRiseAndReturnToZero() {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedServer.Script gated = ScriptedServer.script().await(release, WAIT).ok("done");
        try (ScriptedServer server = new ScriptedServer().defaultScript(gated)) {
            this.contextRunner.run((context) -> {
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                CompletableFuture<FetchResponse> slow = engine(context).fetch(FetchRequest.get(server.url("/slow")));
                server.awaitRequests(1);
                assertThat(registry.get("multifetch.handles.running").gauge().value()).isEqualTo(1);
                await().atMost(WAIT)
                    .until(() -> registry.get("multifetch.connections").tag("state", "active").gauge().value() == 1);
                release.countDown();
                slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                await().atMost(WAIT).until(() -> registry.get("multifetch.handles.running").gauge().value() == 0);
                await().atMost(WAIT)
                    .until(() -> registry.get("multifetch.connections").tag("state", "idle").gauge().value() == 1);
            });
        }
    }

    @Test
    void whenTransfersEndThenCountersCarryOutcomeAndError() throws IOException {
        int closedPort = closedPort();
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("hello"))) {
            this.contextRunner.run((context) -> {
                FetchEngine engine = engine(context);
                engine.fetch(FetchRequest.get(server.url("/ok"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                CompletableFuture<FetchResponse> refused = engine
                    .fetch(FetchRequest.get("http://127.0.0.1:" + closedPort + "/"));
                assertThatThrownBy(refused::join).hasMessageContaining("COULDNT_CONNECT");

                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.get("multifetch.transfers").tags("outcome", "SUCCESS", "error", "none").counter()
                    .count()).isEqualTo(1);
                assertThat(registry.get("multifetch.transfers").tags("outcome", "ERROR", "error", "COULDNT_CONNECT")
                    .counter()
                    .count()).isEqualTo(1);
                assertThat(registry.get("multifetch.transfer.duration").tags("outcome", "SUCCESS").timer().count())
                    .isEqualTo(1);
                assertThat(registry.get("multifetch.connect.time").tag("outcome", "SUCCESS").timer().count())
                    .isEqualTo(1);
                assertThat(registry.get("multifetch.connect.time").tag("outcome", "ERROR").timer().count())
                    .isGreaterThanOrEqualTo(1);
                assertThat(registry.get("multifetch.transfer.bytes").tag("direction", "received").summary()
                    .totalAmount()).isGreaterThan("hello".length());
                assertThat(registry.get("multifetch.transfer.bytes").tag("direction", "sent").summary().count())
                    .isEqualTo(2);
            });
        }
    }

    @Test
    void whenReadTimeoutFiresThenErrorTagIsOperationTimedOut() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.script().stall())) {
            this.contextRunner.withPropertyValues("multifetch.read-timeout=200ms").run((context) -> {
                CompletableFuture<FetchResponse> stalled = engine(context)
                    .fetch(FetchRequest.get(server.url("/stall")));
                assertThatThrownBy(stalled::join).hasMessageContaining("OPERATION_TIMEDOUT");
                assertThat(context.getBean(MeterRegistry.class)
                    .get("multifetch.transfers")
                    .tags("outcome", "ERROR", "error", "OPERATION_TIMEDOUT")
                    .counter()
                    .count()).isEqualTo(1);
            });
        }
    }

    @Test
    void whenSecondTransferReusesConnectionThenAcquiredCountsBoth() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("again"))) {
            this.contextRunner.run((context) -> {
                FetchEngine engine = engine(context);
                engine.fetch(FetchRequest.get(server.url("/1"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                engine.fetch(FetchRequest.get(server.url("/2"))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.get("multifetch.connections.acquired").tag("reused", "false").counter().count())
                    .isEqualTo(1);
                assertThat(registry.get("multifetch.connections.acquired").tag("reused", "true").counter().count())
                    .isEqualTo(1);
            });
        }
    }

    @Test
    void whenHostLimitReachedThenQueueTimeIsRecorded() {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedServer.Script gated = ScriptedServer.script().await(release, WAIT).ok("done");
        try (ScriptedServer server = new ScriptedServer().defaultScript(gated)) {
            this.contextRunner.withPropertyValues("multifetch.max-host-connections=1").run((context) -> {
                FetchEngine engine = engine(context);
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                CompletableFuture<FetchResponse> first = engine.fetch(FetchRequest.get(server.url("/first")));
                CompletableFuture<FetchResponse> second = engine.fetch(FetchRequest.get(server.url("/second")));
                await().atMost(WAIT).until(() -> registry.get("multifetch.handles.pending").gauge().value() == 1);
                release.countDown();
                CompletableFuture.allOf(first, second).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(registry.get("multifetch.queue.time").timer().count()).isEqualTo(1);
            });
        }
    }

    @Test
    void whenHostNameResolvedThenDnsTimeIsRecorded() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("named"))) {
            this.contextRunner.run((context) -> {
                engine(context).fetch(FetchRequest.get("http://localhost:" + server.port() + "/"))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(context.getBean(MeterRegistry.class)
                    .get("multifetch.dns.time")
                    .tag("outcome", "SUCCESS")
                    .timer()
                    .count()).isEqualTo(1);
            });
        }
    }

    @Test
    void whenHandshakesSucceedAndFailThenTlsHandshakeTimeCarriesTheOutcome() throws Exception {
        TestCertificates authority = TestCertificates.newAuthority();
        TlsConfig trustsAuthority = TlsConfig.builder().trustCertificates(List.of(authority.authority())).build();
        try (TlsServer trusted = TlsServer.start(authority.server("127.0.0.1"), "trusted");
                TlsServer unknown = TlsServer.start(TestCertificates.selfSigned("127.0.0.1"), "unknown")) {
            this.contextRunner
                .withBean(MultifetchOptionsCustomizer.class, () -> (options) -> options.tls(trustsAuthority))
                .run((context) -> {
                    FetchEngine engine = engine(context);
                    engine.fetch(FetchRequest.get("https://127.0.0.1:" + trusted.port() + "/"))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    CompletableFuture<FetchResponse> refused = engine
                        .fetch(FetchRequest.get("https://127.0.0.1:" + unknown.port() + "/"));
                    assertThatThrownBy(refused::join).hasMessageContaining("PEER_FAILED_VERIFICATION");

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("multifetch.tls.handshake.time").tag("outcome", "SUCCESS").timer().count())
                        .isEqualTo(1);
                    assertThat(registry.get("multifetch.tls.handshake.time").tag("outcome", "ERROR").timer().count())
                        .isEqualTo(1);
                });
        }
    }

    @Test
    void whenTransferIsCancelledThenItCountsAsAbortedByCallback() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.script().stall())) {
            this.contextRunner.run((context) -> {
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                CompletableFuture<FetchResponse> stalled = engine(context).fetch(FetchRequest.get(server.url("/stall")));
                server.awaitRequests(1);

                stalled.cancel(true);

                await().atMost(WAIT)
                    .until(() -> registry.find("multifetch.transfers")
                        .tags("outcome", "ERROR", "error", "ABORTED_BY_CALLBACK")
                        .counter() != null);
                assertThat(registry.get("multifetch.transfers")
                    .tags("outcome", "ERROR", "error", "ABORTED_BY_CALLBACK")
                    .counter()
                    .count()).isEqualTo(1);
                assertThat(registry.get("multifetch.transfer.duration").tags("outcome", "ERROR").timer().count())
                    .isEqualTo(1);
                await().atMost(WAIT).until(() -> registry.get("multifetch.handles.running").gauge().value() == 0);
            });
        }
    }

    @Test
    void whenProxyHandshakesSucceedAreRefusedAndStallThenProxyMetersCarryTypeOutcomeAndError() {
        try (ScriptedServer proxy = new ScriptedServer()) {
            proxy.dispatcher((index, request) -> switch (request.target()) {
                case "ok.example:80" -> ScriptedServer.script().send("HTTP/1.1 200 Connection established\r\n\r\n");
                case "denied.example:80" -> ScriptedServer.script()
                    .sendResponse(403, Map.of("Content-Length", "0", "Connection", "close"), "")
                    .close();
                case "/" -> ScriptedServer.ok("tunnelled");
                default -> ScriptedServer.script().stall();
            });
            this.contextRunner
                .withPropertyValues("multifetch.proxy.url=http://127.0.0.1:" + proxy.port(), "multifetch.proxy.tunnel=true",
                        "multifetch.connect-timeout=500ms")
                .run((context) -> {
                    FetchEngine engine = engine(context);
                    engine.fetch(FetchRequest.get("http://ok.example/")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThatThrownBy(engine.fetch(FetchRequest.get("http://denied.example/"))::join)
                        .hasMessageContaining("PROXY");
                    assertThatThrownBy(engine.fetch(FetchRequest.get("http://stalled.example/"))::join)
                        .hasMessageContaining("OPERATION_TIMEDOUT");

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("multifetch.proxy.handshake.time").tags("outcome", "SUCCESS", "type", "http")
                        .timer()
                        .count()).isEqualTo(1);
                    assertThat(registry.get("multifetch.proxy.handshake.time").tags("outcome", "ERROR", "type", "http")
                        .timer()
                        .count()).isEqualTo(2);
                    assertThat(registry.get("multifetch.proxy.handshake.errors").tags("type", "http").counters())
                        .extracting((counter) -> counter.getId().getTag("error"))
                        .containsExactlyInAnyOrder("CONNECT_REJECTED", "OPERATION_TIMEDOUT");
                });
        }
    }

    @Test
    void whenA503IsRetriedIntoA200ThenTheRetryAndItsBackoffAreCounted() {
        try (ScriptedServer server = FlakyServer.failingOnceThen("recovered")) {
            this.contextRunner.withPropertyValues("multifetch.retry.max-retries=1", "multifetch.retry.base-delay=20ms")
                .run((context) -> {
                    FetchResponse response = engine(context).fetch(FetchRequest.get(server.url("/flaky")))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(response.attempts()).isEqualTo(2);

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    await().atMost(WAIT).until(() -> retries(registry, "retried-success") == 1);
                    assertThat(retries(registry, "scheduled")).isEqualTo(1);
                    assertThat(retries(registry, "retried-failure")).isZero();
                    assertThat(registry.get("multifetch.retry.backoff").timer().count()).isEqualTo(1);
                    assertThat(registry.get("multifetch.queue.time").timer().count()).isZero();
                });
        }
    }

    @Test
    void whenARetryAfterIsBeyondTheLimitThenTheStopIsCountedAndTheHostIsBlocked() {
        ScriptedServer.Script busy = ScriptedServer.script()
            .sendResponse(503, Map.of("Retry-After", "3600", "Content-Length", "0"), "");
        try (ScriptedServer server = new ScriptedServer().defaultScript(busy)) {
            this.contextRunner.withPropertyValues("multifetch.retry.max-retries=2",
                    "multifetch.politeness.block-on-retry-after=true", "multifetch.politeness.max-block=30s")
                .run((context) -> {
                    FetchResponse response = engine(context).fetch(FetchRequest.get(server.url("/busy")))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(response.status()).isEqualTo(503);
                    assertThat(response.retryStopped()).contains("maxRetryAfter");
                    assertThat(response.retryStop()).isEqualTo(dev.multifetch.core.RetryStop.MAX_RETRY_AFTER);

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    await().atMost(WAIT).until(() -> registry.get("multifetch.retry.stopped")
                        .tag("reason", "max-retry-after").counter().count() == 1);
                    assertThat(registry.get("multifetch.hosts.blocked").gauge().value()).isEqualTo(1);
                    assertThat(retries(registry, "scheduled")).isZero();
                });
        }
    }

    private static double retries(MeterRegistry registry, String outcome) {
        return registry.get("multifetch.retries").tag("outcome", outcome).counter().count();
    }

    private static FetchEngine engine(AssertableApplicationContext context) {
        return context.getBean(FetchEngine.class);
    }

    /** A loopback port nothing listens on: bound by the system, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
