package dev.multifetch.autoconfigure.health;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.Transfer;
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

@Timeout(30)
class MultifetchHealthAutoConfigurationTests {

    private static final Duration THRESHOLD = Duration.ofSeconds(5);

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
    void whenEngineClosedThenDown() {
        FetchEngine engine = FetchEngine.create();
        FetchEngineHealthIndicator indicator = new FetchEngineHealthIndicator(engine, THRESHOLD);
        engine.close();
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("reason", "the selector thread is not running");
    }

    @Test
    void whenLoopStuckWithTransfersInFlightBeyondThresholdThenDownAndUpOnceItTurnsAgain() throws Exception {
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FetchListener stuck = new FetchListener() {
            @Override
            public void responseHeaders(Transfer transfer, int status) {
                inCallback.countDown();
                awaitQuietly(release);
            }
        };
        AtomicLong clock = new AtomicLong();
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("hi"));
                FetchEngine engine = FetchEngine.builder()
                    .options(MultiOptions.builder().listener(stuck).build())
                    .build()) {
            FetchEngineHealthIndicator indicator = new FetchEngineHealthIndicator(engine, THRESHOLD, clock::get);
            CompletableFuture<FetchResponse> transfer = engine.fetch(FetchRequest.get(server.url("/")));
            assertThat(inCallback.await(20, TimeUnit.SECONDS)).isTrue();

            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
            clock.addAndGet(THRESHOLD.toNanos() + 1);
            Health stalled = indicator.health();
            assertThat(stalled.getStatus()).isEqualTo(Status.DOWN);
            assertThat(stalled.getDetails()).containsEntry("running", 1);
            assertThat((String) stalled.getDetails().get("reason")).contains("has not turned");

            release.countDown();
            transfer.get(20, TimeUnit.SECONDS);
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        }
    }

    @Test
    void whenIdleLoopDoesNotTurnThenStillUp() {
        AtomicLong clock = new AtomicLong();
        try (FetchEngine engine = FetchEngine.create()) {
            FetchEngineHealthIndicator indicator = new FetchEngineHealthIndicator(engine, THRESHOLD, clock::get);
            clock.addAndGet(THRESHOLD.toNanos() * 10);
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
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
