package dev.multifetch.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.multifetch.autoconfigure.testing.FlakyServer;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.PacingKey;
import dev.multifetch.core.Politeness;
import dev.multifetch.core.Rate;
import dev.multifetch.core.RetryPolicy;
import dev.multifetch.core.testing.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code multifetch.politeness.*} and {@code multifetch.retry.*}: bound, checked, and at work in the engine. */
@Timeout(60)
class MultifetchPolitenessAndRetryTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MultifetchAutoConfiguration.class));

    @Test
    void whenNothingSetThenNothingIsPacedBlockedOrRetriedAndTheRetryDefaultsAreCores() {
        this.contextRunner.run((context) -> {
            MultiOptions options = options(context);
            RetryPolicy core = RetryPolicy.builder().build();
            assertThat(options.politeness().enabled()).isFalse();
            assertThat(options.retry().maxRetries()).isZero();
            assertThat(options.retry().statuses()).isEqualTo(core.statuses()).isEqualTo(RetryPolicy.TRANSIENT_STATUSES);
            assertThat(options.retry().baseDelay()).isEqualTo(core.baseDelay());
            assertThat(options.retry().maxDelay()).isEqualTo(core.maxDelay());
            assertThat(options.retry().maxRetryAfter()).isEqualTo(core.maxRetryAfter());
            assertThat(options.retry().maxRetryTime()).isNull();
            assertThat(options.retry().budgetRatio()).isEqualTo(core.budgetRatio());
            assertThat(options.retry().budgetFloor()).isEqualTo(core.budgetFloor());
            assertThat(options.retry().jitter()).isTrue();
            assertThat(context).hasSingleBean(HostHolds.class);
        });
    }

    @Test
    void whenPolitenessPropertiesSetThenTheyReachTheOptions() {
        this.contextRunner.withPropertyValues("multifetch.politeness.min-interval=250ms",
                "multifetch.politeness.rate=120/m", "multifetch.politeness.burst=3", "multifetch.politeness.key=Domain",
                "multifetch.politeness.max-block=1m", "multifetch.politeness.hosts[0].pattern=*.api.example",
                "multifetch.politeness.hosts[0].rate=5/10s", "multifetch.politeness.hosts[1].pattern=slow.example",
                "multifetch.politeness.hosts[1].min-interval=2s")
            .run((context) -> {
                Politeness politeness = options(context).politeness();
                assertThat(politeness.minInterval()).isEqualTo(Duration.ofMillis(250));
                assertThat(politeness.rate()).isEqualTo(new Rate(120, Duration.ofMinutes(1), 3));
                assertThat(politeness.key()).isEqualTo(PacingKey.DOMAIN);
                assertThat(politeness.blockOnRetryAfter()).as("on with pacing, unless set").isTrue();
                assertThat(politeness.maxBlock()).isEqualTo(Duration.ofMinutes(1));
                assertThat(politeness.rules()).containsExactly(
                        new Politeness.HostRule("api.example", null, Rate.of(5, Duration.ofSeconds(10))),
                        new Politeness.HostRule("slow.example", Duration.ofSeconds(2), null));
            });
    }

    @Test
    void whenOnlyBlockOnRetryAfterSetThenHostsAreBlockedButNothingIsPaced() {
        this.contextRunner.withPropertyValues("multifetch.politeness.block-on-retry-after=true").run((context) -> {
            Politeness politeness = options(context).politeness();
            assertThat(politeness.blockOnRetryAfter()).isTrue();
            assertThat(politeness.minInterval()).isNull();
            assertThat(politeness.rate()).isNull();
        });
    }

    @Test
    void whenPacingSetAndBlocksTurnedOffThenOnlyPaced() {
        this.contextRunner.withPropertyValues("multifetch.politeness.rate=2/s",
                "multifetch.politeness.block-on-retry-after=false")
            .run((context) -> assertThat(options(context).politeness().blockOnRetryAfter()).isFalse());
    }

    @Test
    void whenRetryPropertiesSetThenTheyReachTheOptions() {
        this.contextRunner.withPropertyValues("multifetch.retry.max-retries=3", "multifetch.retry.statuses=429,503",
                "multifetch.retry.retry-conn-refused=true", "multifetch.retry.retry-all-errors=true",
                "multifetch.retry.retry-non-idempotent=true", "multifetch.retry.base-delay=200ms",
                "multifetch.retry.max-delay=5s", "multifetch.retry.max-retry-after=30s",
                "multifetch.retry.max-retry-time=1m", "multifetch.retry.budget-ratio=0.5",
                "multifetch.retry.budget-floor=2", "multifetch.retry.jitter=false")
            .run((context) -> {
                RetryPolicy retry = options(context).retry();
                assertThat(retry.maxRetries()).isEqualTo(3);
                assertThat(retry.statuses()).isEqualTo(Set.of(429, 503));
                assertThat(retry.retryConnRefused()).isTrue();
                assertThat(retry.retryAllErrors()).isTrue();
                assertThat(retry.retryNonIdempotent()).isTrue();
                assertThat(retry.baseDelay()).isEqualTo(Duration.ofMillis(200));
                assertThat(retry.maxDelay()).isEqualTo(Duration.ofSeconds(5));
                assertThat(retry.maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
                assertThat(retry.maxRetryTime()).isEqualTo(Duration.ofMinutes(1));
                assertThat(retry.budgetRatio()).isEqualTo(0.5);
                assertThat(retry.budgetFloor()).isEqualTo(2);
                assertThat(retry.jitter()).isFalse();
            });
    }

    @Test
    void whenRetriesOnThenA503ThenA200TakesTwoAttempts() {
        try (ScriptedServer server = FlakyServer.failingOnceThen("second")) {
            this.contextRunner.withPropertyValues("multifetch.retry.max-retries=2", "multifetch.retry.base-delay=20ms")
                .run((context) -> {
                    FetchResponse response = fetch(context.getBean(FetchEngine.class), server.url("/flaky"));
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.attempts()).isEqualTo(2);
                    assertThat(response.bodyAsString()).isEqualTo("second");
                    assertThat(server.requests()).hasSize(2);
                });
        }
    }

    @Test
    void whenMinIntervalSetThenTwoRequestsToOneHostStartThatFarApart() {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = new ScriptedServer()) {
            server.dispatcher((index, request) -> {
                arrivals.add(System.nanoTime());
                return ScriptedServer.ok("paced");
            });
            this.contextRunner.withPropertyValues("multifetch.politeness.min-interval=300ms").run((context) -> {
                FetchEngine engine = context.getBean(FetchEngine.class);
                CompletableFuture<FetchResponse> first = engine.fetch(FetchRequest.get(server.url("/1")));
                CompletableFuture<FetchResponse> second = engine.fetch(FetchRequest.get(server.url("/2")));
                CompletableFuture.allOf(first, second).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(arrivals).hasSize(2);
                // the first request opened the connection, the second reuses it: a little slack
                assertThat(Math.abs(arrivals.get(1) - arrivals.get(0))).isGreaterThanOrEqualTo(290_000_000L);
            });
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "multifetch.politeness.min-interval=-1s       | multifetch.politeness.min-interval       | must be at least 0",
            "multifetch.politeness.rate=fast              | multifetch.politeness.rate               | rate \"fast\" is not N/unit",
            "multifetch.politeness.rate=0/m               | multifetch.politeness.rate               | rate permits must be at least 1",
            "multifetch.politeness.rate=5/w               | multifetch.politeness.rate               | rate \"5/w\" has an unknown unit 'w' (s, m, h, d)",
            "multifetch.politeness.burst=2                | multifetch.politeness.burst              | burst needs a rate (multifetch.politeness.rate)",
            "multifetch.politeness.key=host               | multifetch.politeness.key                | \"host\" is not one of origin, domain, ip",
            "multifetch.politeness.key=                   | multifetch.politeness.key                | must be set",
            "multifetch.politeness.max-block=0s           | multifetch.politeness.max-block          | must be positive",
            "multifetch.politeness.hosts[0].min-interval=-2s | multifetch.politeness.hosts[0].min-interval | must be at least 0",
            "multifetch.politeness.hosts[0].rate=often    | multifetch.politeness.hosts[0].pattern   | must be set",
            "multifetch.retry.max-retries=101             | multifetch.retry.max-retries             | must be 0 to 100",
            "multifetch.retry.statuses=503,700            | multifetch.retry.statuses                | retry status out of range: 700",
            "multifetch.retry.base-delay=0s               | multifetch.retry.base-delay              | must be positive",
            "multifetch.retry.base-delay=20m              | multifetch.retry.base-delay              | must not be longer than multifetch.retry.max-delay",
            "multifetch.retry.max-retry-after=-1s         | multifetch.retry.max-retry-after         | must be at least 0",
            "multifetch.retry.max-retry-time=0s           | multifetch.retry.max-retry-time          | must be positive",
            "multifetch.retry.budget-ratio=1.5            | multifetch.retry.budget-ratio            | retry budget ratio must be 0 to 1",
            "multifetch.retry.budget-floor=-1             | multifetch.retry.budget-floor            | must be at least 0" })
    void whenValueBadThenStartupFailsNamingThePropertyAndWhy(String setting, String property, String reason) {
        this.contextRunner.withPropertyValues(setting).run((context) -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MultifetchPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("Property: " + property).contains("Reason: " + reason);
        });
    }

    @Test
    void whenAHostRuleHasABadRateThenItsOwnPropertyIsNamed() {
        this.contextRunner.withPropertyValues("multifetch.politeness.hosts[0].pattern=api.example",
                "multifetch.politeness.hosts[0].rate=often", "multifetch.politeness.hosts[0].burst=0")
            .run((context) -> {
                FailureAnalysis analysis = new MultifetchPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
                assertThat(analysis.getDescription()).contains("Property: multifetch.politeness.hosts[0].rate")
                    .contains("Value: \"often\"")
                    .contains("Property: multifetch.politeness.hosts[0].burst")
                    .contains("Reason: rate burst must be at least 1")
                    .doesNotContain("hosts[0].pattern");
            });
    }

    private static MultiOptions options(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed();
        return context.getBean(MultifetchProperties.class).toOptions();
    }

    private static FetchResponse fetch(FetchEngine engine, String url) throws Exception {
        return engine.fetch(FetchRequest.get(url)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
