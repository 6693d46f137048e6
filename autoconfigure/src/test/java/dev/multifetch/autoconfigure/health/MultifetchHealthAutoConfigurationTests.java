package dev.multifetch.autoconfigure.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import dev.multifetch.autoconfigure.HostHolds;
import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.autoconfigure.MultifetchProperties;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.Transfer;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.testing.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(30)
class MultifetchHealthAutoConfigurationTests {

    private static final Duration THRESHOLD = Duration.ofSeconds(10);

    private static final Duration BLOCKED_AFTER = Duration.ofMillis(100);

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MultifetchAutoConfiguration.class,
                    MultifetchHealthAutoConfiguration.class));

    @Test
    void whenHealthModulePresentThenIndicatorNamedMultifetchReportsUpWithCounts() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasBean("multifetchHealthIndicator");
            Health health = context.getBean("multifetchHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("running", 0)
                .containsEntry("pending", 0)
                .containsEntry("blockedHosts", Map.of())
                .containsEntry("blockedHostCount", 0)
                .containsEntry("activeConnections", 0)
                .containsEntry("idleConnections", 0);
        });
    }

    @Test
    void whenHealthModuleMissingThenNoIndicator() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run((context) -> {
            assertThat(context).hasNotFailed().hasSingleBean(FetchEngine.class);
            assertThat(context).doesNotHaveBean("multifetchHealthIndicator");
        });
    }

    @Test
    void whenIndicatorDisabledThenNoIndicator() {
        this.contextRunner.withPropertyValues("management.health.multifetch.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean("multifetchHealthIndicator"));
    }

    @Test
    void whenStallThresholdSetThenIndicatorUsesIt() {
        this.contextRunner.withPropertyValues("multifetch.health.stall-threshold=1s").run((context) -> {
            assertThat(context).hasNotFailed().hasBean("multifetchHealthIndicator");
        });
    }

    @Test
    void whenNothingSetThenStallThresholdIsTenSeconds() {
        this.contextRunner.run((context) -> assertThat(
                context.getBean(MultifetchProperties.class).getHealth().getStallThreshold()).isEqualTo(THRESHOLD));
    }

    @Test
    void whenEngineClosedThenDown() {
        FetchEngine engine = FetchEngine.create();
        FetchEngineHealthIndicator indicator = new FetchEngineHealthIndicator(engine, THRESHOLD);
        engine.close();
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("reason", "the selector thread is not running");
    }

    @Test
    void whenDirectCompletionStageBlocksTheLoopThenDownWithBusyTimeAndUpOnceReleased() throws Exception {
        CountDownLatch inStage = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("hi"));
                FetchEngine engine = FetchEngine.builder().completionExecutor(Runnable::run).build()) {
            FetchEngineHealthIndicator indicator = new FetchEngineHealthIndicator(engine, BLOCKED_AFTER);
            CompletableFuture<Void> blocking = engine.fetch(FetchRequest.get(server.url("/"))).thenRun(() -> {
                inStage.countDown();
                awaitQuietly(release);
            });
            assertThat(inStage.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            await().atMost(WAIT).until(() -> indicator.health().getStatus().equals(Status.DOWN));
            Health blocked = indicator.health();
            assertThat((long) blocked.getDetails().get("loopBusyMillis")).isGreaterThan(BLOCKED_AFTER.toMillis());
            assertThat((String) blocked.getDetails().get("reason")).contains("has been busy in one turn for");

            release.countDown();
            blocking.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> indicator.health().getStatus().equals(Status.UP));
        }
    }

    @Test
    void whenIdleLoopWaitsLongerThanTheThresholdThenStillUp() {
        try (FetchEngine engine = FetchEngine.create()) {
            FetchEngineHealthIndicator indicator = new FetchEngineHealthIndicator(engine, Duration.ofNanos(1));
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("loopBusyMillis", 0L);
        }
    }

    @Test
    void whenSelectorLoopFailedThenDownWithTheFailure() {
        // an Error escaping a listener is the kind of fault that stops the selector loop
        FetchListener breaks = new FetchListener() {
            @Override
            public void requestSent(Transfer transfer, long bytes) {
                throw new StackOverflowError("completion executor broke");
            }
        };
        // the loop's failure and the indicator's are logged with their stack traces: expected here, so kept out of the build log
        List<Logger> quieted = Stream.of("dev.multifetch.core.engine.SelectorLoop", FetchEngineHealthIndicator.class.getName())
            .map(Logger::getLogger)
            .toList();
        quieted.forEach((logger) -> logger.setLevel(Level.OFF));
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("hi"));
                FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder().listener(breaks).build()).build()) {
            FetchEngineHealthIndicator indicator = new FetchEngineHealthIndicator(engine, THRESHOLD);
            engine.fetch(FetchRequest.get(server.url("/")));
            await().atMost(WAIT).until(() -> engine.failure().isPresent());

            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("reason"))
                .isEqualTo("the selector loop failed: completion executor broke");
            assertThat((String) health.getDetails().get("error")).contains("completion executor broke");
        }
        finally {
            quieted.forEach((logger) -> logger.setLevel(null));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void whenAHostIsBlockedByRetryAfterThenTheDetailsNameItAndTheEngineStaysUp() {
        ScriptedServer.Script busy = ScriptedServer.script()
            .sendResponse(503, Map.of("Retry-After", "30", "Content-Length", "0"), "");
        try (ScriptedServer server = new ScriptedServer().defaultScript(busy)) {
            this.contextRunner.withPropertyValues("multifetch.politeness.block-on-retry-after=true").run((context) -> {
                FetchEngine engine = context.getBean(FetchEngine.class);
                assertThat(engine.fetch(FetchRequest.get(server.url("/busy"))).get(20, TimeUnit.SECONDS).status())
                    .isEqualTo(503);

                Health health = context.getBean("multifetchHealthIndicator", HealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("blockedHostCount", 1);
                assertThat((Map<String, Long>) health.getDetails().get("blockedHosts"))
                    .hasEntrySatisfying("http://127.0.0.1:" + server.port(),
                            (left) -> assertThat(left).isBetween(20_000L, 30_000L));
            });
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void whenManyHostsAreBlockedThenTheTwentyBlockedLongestAreNamedAndAllCounted() {
        AtomicLong now = new AtomicLong();
        HostHolds holds = new HostHolds(now::get);
        for (int i = 1; i <= 25; i++) {
            holds.hostBlocked("http://h" + i + ".example:80", Duration.ofSeconds(i).toNanos());
        }
        try (FetchEngine engine = FetchEngine.create()) {
            Health health = new FetchEngineHealthIndicator(engine, THRESHOLD, holds).health();

            Map<String, Long> named = (Map<String, Long>) health.getDetails().get("blockedHosts");
            assertThat(named).hasSize(FetchEngineHealthIndicator.BLOCKED_SHOWN)
                .containsEntry("http://h25.example:80", 25_000L)
                .containsEntry("http://h6.example:80", 6_000L)
                .doesNotContainKey("http://h5.example:80");
            assertThat(named.keySet()).first().isEqualTo("http://h25.example:80");
            assertThat(health.getDetails()).containsEntry("blockedHostCount", 25);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
