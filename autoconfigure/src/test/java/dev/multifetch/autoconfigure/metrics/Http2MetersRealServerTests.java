package dev.multifetch.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.testing.Nghttpd;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP/2 meters end to end: the auto-configured engine against nghttpd (h2c, prior
 * knowledge), its events read back from the registry as a scrape would.
 *
 * <p>One connection per host: with more allowed, transfers that waited on a connection's setup
 * (pipe-wait) are let go when it is up but before the server's SETTINGS, when it takes one stream
 * only, and each may open a connection of its own; how many depends on timing.
 */
@Timeout(60)
class Http2MetersRealServerTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final List<String> PATHS = List.of("/a", "/b", "/c", "/d", "/e", "/f");

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                    MultifetchAutoConfiguration.class, MultifetchMetricsAutoConfiguration.class))
            .withPropertyValues("multifetch.http-version=http2-prior-knowledge", "multifetch.max-host-connections=1");

    @Test
    void whenFetchesRunConcurrentlyOverH2cThenOneConnectionCarriesThemAndTheMetersFollow() {
        try (Nghttpd server = server()) {
            this.contextRunner.run((context) -> {
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
                FetchEngine engine = context.getBean(FetchEngine.class);

                List<CompletableFuture<FetchResponse>> fetches = PATHS.stream()
                    .map((path) -> engine.fetch(FetchRequest.get(server.url(path))))
                    .toList();

                long bodyBytes = 0;
                for (int i = 0; i < PATHS.size(); i++) {
                    FetchResponse response = fetches.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.httpVersion()).isEqualTo("HTTP/2");
                    assertThat(response.body()).isEqualTo(server.content(PATHS.get(i)));
                    bodyBytes += response.body().length;
                }
                assertThat(gauge(registry, Http2Meters.CONNECTIONS)).as("the idle connection, still open").isEqualTo(1);
                await().atMost(WAIT).until(() -> gauge(registry, Http2Meters.STREAMS_ACTIVE) == 0);
                assertThat(registry.get(MetricsFetchListener.TRANSFERS)
                    .tags("outcome", "SUCCESS", "error", "none")
                    .counter()
                    .count()).isEqualTo(PATHS.size());
                assertThat(bytes(registry, "sent").count()).isEqualTo(PATHS.size());
                assertThat(bytes(registry, "sent").totalAmount()).isPositive();
                assertThat(bytes(registry, "received").count()).isEqualTo(PATHS.size());
                assertThat(bytes(registry, "received").totalAmount()).isGreaterThan(bodyBytes);
                assertThat(registry.find(Http2Meters.GOAWAYS).counter()).isNull();
                assertThat(registry.find(Http2Meters.STREAMS_REPLAYED).counter()).isNull();
            });
        }
    }

    @Test
    void whenTheIdleConnectionIsClosedThenTheConnectionGaugeReturnsToZero() {
        try (Nghttpd server = server()) {
            this.contextRunner.withPropertyValues("multifetch.max-idle-age=300ms").run((context) -> {
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                FetchEngine engine = context.getBean(FetchEngine.class);

                FetchResponse response = engine.fetch(FetchRequest.get(server.url("/a")))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);

                assertThat(response.httpVersion()).isEqualTo("HTTP/2");
                await().atMost(WAIT).until(() -> gauge(registry, Http2Meters.CONNECTIONS) == 0);
                assertThat(gauge(registry, Http2Meters.STREAMS_ACTIVE)).isZero();
                assertThat(registry.get("multifetch.connections").tag("state", "idle").gauge().value()).isZero();
            });
        }
    }

    private static Nghttpd server() {
        Nghttpd.Builder server = Nghttpd.builder();
        for (int i = 0; i < PATHS.size(); i++) {
            server.file(PATHS.get(i), 1024 << i);
        }
        return server.start();
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }

    private static DistributionSummary bytes(MeterRegistry registry, String direction) {
        return registry.get(MetricsFetchListener.TRANSFER_BYTES).tag("direction", direction).summary();
    }
}
