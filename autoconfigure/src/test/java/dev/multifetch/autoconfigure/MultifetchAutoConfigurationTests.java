package dev.multifetch.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.HttpVersion;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.Transfer;
import dev.multifetch.core.testing.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MultifetchAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MultifetchAutoConfiguration.class));

    @Test
    void whenNothingConfiguredThenRunningEngineIsClosedWithContext() {
        AtomicReference<FetchEngine> engine = new AtomicReference<>();
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(FetchEngine.class);
            engine.set(context.getBean(FetchEngine.class));
            assertThat(engine.get().isRunning()).isTrue();
        });
        assertThat(engine.get().isRunning()).isFalse();
    }

    @Test
    void whenNothingConfiguredThenOptionsAreCoreDefaults() {
        this.contextRunner.run((context) -> {
            MultiOptions options = context.getBean(MultifetchProperties.class).toOptions();
            MultiOptions defaults = MultiOptions.DEFAULTS;
            assertThat(options.maxHostConnections()).isEqualTo(defaults.maxHostConnections());
            assertThat(options.maxTotalConnections()).isEqualTo(defaults.maxTotalConnections());
            assertThat(options.maxConnects()).isEqualTo(defaults.maxConnects());
            assertThat(options.connectTimeout()).isEqualTo(defaults.connectTimeout());
            assertThat(options.timeout()).isEqualTo(defaults.timeout());
            assertThat(options.maxBodySize()).isEqualTo(defaults.maxBodySize());
            assertThat(options.userAgent()).isEqualTo(defaults.userAgent());
            assertThat(options.resolverThreads()).isEqualTo(defaults.resolverThreads());
            assertThat(options.maxIdleAge()).isEqualTo(defaults.maxIdleAge());
            assertThat(options.maxLifetime()).isEqualTo(defaults.maxLifetime());
            assertThat(options.readTimeout()).isEqualTo(defaults.readTimeout());
            assertThat(options.lowSpeedLimit()).isEqualTo(defaults.lowSpeedLimit());
            assertThat(options.lowSpeedTime()).isEqualTo(defaults.lowSpeedTime());
            assertThat(options.maxHeaderBytes()).isEqualTo(defaults.maxHeaderBytes());
            assertThat(options.dnsCacheTimeout()).isEqualTo(defaults.dnsCacheTimeout());
            assertThat(options.happyEyeballsTimeout()).isEqualTo(defaults.happyEyeballsTimeout());
            assertThat(options.tcpNoDelay()).isEqualTo(defaults.tcpNoDelay());
            assertThat(options.sendBufferSize()).isEqualTo(defaults.sendBufferSize());
            assertThat(options.receiveBufferSize()).isEqualTo(defaults.receiveBufferSize());
            assertThat(options.httpVersion()).isEqualTo(defaults.httpVersion()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(options.maxConcurrentStreams()).isEqualTo(defaults.maxConcurrentStreams()).isEqualTo(100);
            assertThat(options.pipeWait()).isEqualTo(defaults.pipeWait()).isTrue();
        });
    }

    @ParameterizedTest
    @CsvSource({ "http1.1, HTTP_1_1", "http2, HTTP_2", "http2-prior-knowledge, HTTP_2_PRIOR_KNOWLEDGE" })
    void whenHttpVersionNamedThenTheEngineAsksForThatVersion(String name, HttpVersion version) {
        this.contextRunner.withPropertyValues("multifetch.http-version=" + name).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(MultifetchProperties.class).toOptions().httpVersion()).isEqualTo(version);
        });
    }

    @Test
    void whenHttp2PropertiesSetThenTheyReachTheOptions() {
        this.contextRunner.withPropertyValues("multifetch.max-concurrent-streams=1", "multifetch.pipe-wait=false")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                MultiOptions options = context.getBean(MultifetchProperties.class).toOptions();
                assertThat(options.maxConcurrentStreams()).isEqualTo(1);
                assertThat(options.pipeWait()).isFalse();
            });
    }

    @ParameterizedTest
    @ValueSource(strings = { "http3", "HTTP_2", "HTTP2", "h2", "http/1.1" })
    void whenHttpVersionUnknownThenStartupFailsNamingThePropertyTheValueAndTheValidOnes(String value) {
        this.contextRunner.withPropertyValues("multifetch.http-version=" + value).run((context) -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MultifetchPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("Property: multifetch.http-version")
                .contains("Value: \"" + value + "\"")
                .contains("is not one of http1.1, http2, http2-prior-knowledge");
        });
    }

    @Test
    void whenPropertiesSetThenTheyReachTheOptions() {
        this.contextRunner
            .withPropertyValues("multifetch.max-host-connections=2", "multifetch.max-total-connections=50",
                    "multifetch.max-connects=7", "multifetch.connect-timeout=1500ms", "multifetch.timeout=30s",
                    "multifetch.max-body-size=2MB", "multifetch.user-agent=probe/1.0",
                    "multifetch.resolver-threads=1", "multifetch.shutdown-grace=0s")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                MultiOptions options = context.getBean(MultifetchProperties.class).toOptions();
                assertThat(options.maxHostConnections()).isEqualTo(2);
                assertThat(options.maxTotalConnections()).isEqualTo(50);
                assertThat(options.maxConnects()).isEqualTo(7);
                assertThat(options.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
                assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(30));
                assertThat(options.maxBodySize()).isEqualTo(2L * 1024 * 1024);
                assertThat(options.userAgent()).isEqualTo("probe/1.0");
                assertThat(options.resolverThreads()).isEqualTo(1);
                assertThat(context.getBean(MultifetchProperties.class).getShutdownGrace()).isZero();
            });
    }

    @Test
    void whenTransportPropertiesSetThenTheyReachTheOptions() {
        this.contextRunner
            .withPropertyValues("multifetch.max-idle-age=30s", "multifetch.max-lifetime=1h",
                    "multifetch.read-timeout=5s", "multifetch.low-speed-limit=1KB", "multifetch.low-speed-time=10s",
                    "multifetch.max-header-size=16KB", "multifetch.dns-cache-timeout=0s",
                    "multifetch.happy-eyeballs-timeout=50ms", "multifetch.tcp-no-delay=false",
                    "multifetch.send-buffer-size=64KB", "multifetch.receive-buffer-size=128KB")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                MultiOptions options = context.getBean(MultifetchProperties.class).toOptions();
                assertThat(options.maxIdleAge()).isEqualTo(Duration.ofSeconds(30));
                assertThat(options.maxLifetime()).isEqualTo(Duration.ofHours(1));
                assertThat(options.readTimeout()).isEqualTo(Duration.ofSeconds(5));
                assertThat(options.lowSpeedLimit()).isEqualTo(1024);
                assertThat(options.lowSpeedTime()).isEqualTo(Duration.ofSeconds(10));
                assertThat(options.maxHeaderBytes()).isEqualTo(16 * 1024);
                assertThat(options.dnsCacheTimeout()).isZero();
                assertThat(options.happyEyeballsTimeout()).isEqualTo(Duration.ofMillis(50));
                assertThat(options.tcpNoDelay()).isFalse();
                assertThat(options.sendBufferSize()).isEqualTo(64 * 1024);
                assertThat(options.receiveBufferSize()).isEqualTo(128 * 1024);
            });
    }

    @Test
    void whenReadTimeoutZeroThenThereIsNone() {
        this.contextRunner.withPropertyValues("multifetch.read-timeout=0s").run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(MultifetchProperties.class).toOptions().readTimeout()).isNull();
        });
    }

    @Test
    @Timeout(30)
    void whenUserAgentSetThenEngineSendsIt() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("hi"))) {
            this.contextRunner.withPropertyValues("multifetch.user-agent=probe/1.0").run((context) -> {
                FetchEngine engine = context.getBean(FetchEngine.class);
                FetchResponse response = engine.fetch(FetchRequest.get(server.url("/ua"))).get(20, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(200);
                assertThat(server.awaitRequests(1).get(0).header("User-Agent")).hasValue("probe/1.0");
            });
        }
    }

    @Test
    void whenUserDefinesEngineThenAutoConfigurationBacksOff() {
        this.contextRunner.withBean("userEngine", FetchEngine.class, FetchEngine::create).run((context) -> {
            assertThat(context).hasSingleBean(FetchEngine.class);
            assertThat(context).getBean(FetchEngine.class).isSameAs(context.getBean("userEngine"));
        });
    }

    @Test
    void whenCustomizersDefinedThenEachIsAppliedOnceInOrder() {
        List<String> calls = new CopyOnWriteArrayList<>();
        this.contextRunner.withBean("late", MultifetchEngineCustomizer.class, () -> new Recording("late", 10, calls))
            .withBean("early", MultifetchEngineCustomizer.class, () -> new Recording("early", -10, calls))
            .run((context) -> {
                assertThat(context).hasSingleBean(FetchEngine.class);
                assertThat(calls).containsExactly("early", "late");
            });
    }

    @Test
    void whenOptionsCustomizerDefinedThenItSeesThePropertiesAndItsChangesReachTheEngine() {
        AtomicReference<MultiOptions> seen = new AtomicReference<>();
        MultifetchOptionsCustomizer customizer = (options) -> seen.set(options.userAgent("custom/2").build());
        this.contextRunner.withPropertyValues("multifetch.max-host-connections=3")
            .withBean(MultifetchOptionsCustomizer.class, () -> customizer)
            .run((context) -> {
                assertThat(context).hasSingleBean(FetchEngine.class);
                assertThat(seen.get().maxHostConnections()).isEqualTo(3);
                assertThat(seen.get().userAgent()).isEqualTo("custom/2");
            });
    }

    @Test
    @Timeout(30)
    void whenListenerBeansDefinedThenEachHearsTheEngine() {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("hi"))) {
            this.contextRunner.withBean("first", FetchListener.class, () -> new DoneRecorder("first", heard))
                .withBean("second", FetchListener.class, () -> new DoneRecorder("second", heard))
                .run((context) -> {
                    FetchEngine engine = context.getBean(FetchEngine.class);
                    engine.fetch(FetchRequest.get(server.url("/both"))).get(20, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 2);
                    assertThat(heard).containsExactlyInAnyOrder("first", "second");
                });
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "multifetch.max-host-connections=-1 | must be at least 0",
            "multifetch.connect-timeout=0s      | must be positive",
            "multifetch.resolver-threads=0      | must be at least 1",
            "multifetch.max-idle-age=0s         | must be positive",
            "multifetch.read-timeout=-1s        | must not be negative (0 for none)",
            "multifetch.dns-cache-timeout=-1s   | must be at least 0",
            "multifetch.max-header-size=100B    | must be at least 1024",
            "multifetch.send-buffer-size=4GB    | must be at most 2147483647 bytes",
            "multifetch.max-concurrent-streams=0 | must be at least 1",
            "multifetch.http-version=           | must be set",
            "multifetch.health.stall-threshold=0s | must be positive" })
    void whenValueOutOfRangeThenStartupFailsAndTheAnalysisNamesThePropertyAndCoreReason(String property,
            String reason) {
        String name = property.substring(0, property.indexOf('='));
        this.contextRunner.withPropertyValues(property).run((context) -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MultifetchPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("Property: " + name)
                .contains("Reason: " + reason);
        });
    }

    /** Adds its name when a transfer is done. */
    private record DoneRecorder(String name, List<String> heard) implements FetchListener {

        @Override
        public void transferDone(Transfer transfer, FetchResponse response) {
            this.heard.add(this.name);
        }
    }

    /** Records its name when applied; ordered by {@link Ordered}. */
    private record Recording(String name, int order, List<String> calls) implements MultifetchEngineCustomizer, Ordered {

        @Override
        public void customize(FetchEngine.Builder builder) {
            this.calls.add(this.name);
        }

        @Override
        public int getOrder() {
            return this.order;
        }
    }
}
