package dev.multifetch.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.testing.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;

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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "multifetch.max-host-connections=-1 | maxHostConnections < 0: -1",
            "multifetch.connect-timeout=0s      | connectTimeout must be positive",
            "multifetch.resolver-threads=0      | resolverThreads < 1: 0" })
    void whenValueOutOfRangeThenStartupFailsNamingTheProperty(String property, String reason) {
        String name = property.substring(0, property.indexOf('='));
        this.contextRunner.withPropertyValues(property).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(name).hasStackTraceContaining(reason);
        });
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
