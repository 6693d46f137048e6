package dev.multifetch.sample;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.multifetch.core.http2.ErrorCode;
import dev.multifetch.core.testing.H2ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.fetch.FetchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The app as a whole: what it serves besides the API (dashboard, OpenAPI, actuator) and no more. */
@Timeout(60)
class SampleApplicationTests extends LocalAppTests {

    @Test
    void whenTransferDoneThenActuatorShowsEngineHealthAndMetersAndPrometheus() {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("counted"))) {
            FetchResult result = this.client.fetchUrl(target.url("/counted"));
            assertThat(result.status()).isEqualTo(200);
        }

        JsonNode health = this.client.json(this.client.get("/actuator/health").body());
        assertThat(health.at("/components/multifetch/status").asString()).isEqualTo("UP");
        assertThat(health.at("/components/multifetch/details/blockedHosts").isObject()).isTrue();
        JsonNode transfers = this.client.json(this.client.get("/actuator/metrics/multifetch.transfers?tag=outcome:SUCCESS").body());
        assertThat(transfers.at("/measurements/0/value").asDouble()).isGreaterThanOrEqualTo(1);
        String prometheus = this.client.get("/actuator/prometheus").body();
        assertThat(prometheus).contains("multifetch_handles_running", "multifetch_handles_pending",
                "multifetch_connections", "multifetch_transfers_total{error=\"none\",outcome=\"SUCCESS\"",
                "multifetch_transfer_duration_seconds", "multifetch_retries_total{outcome=\"scheduled\"",
                "multifetch_hosts_blocked_hosts");
    }

    @Test
    void grafanaDashboardQueriesOnlyMetersThePrometheusEndpointCarries() throws Exception {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("graphed"))) {
            assertThat(this.client.fetchUrl(target.url("/graphed")).status()).isEqualTo(200);
        }
        fetchOverHttp2WithAReplayAndAGoaway();
        JsonNode dashboard = this.client.json(Files.readString(Path.of("grafana-dashboard.json")));
        Set<String> queried = dashboard.findValues("expr").stream()
            .flatMap((expr) -> Pattern.compile("multifetch_[a-z0-9_]+").matcher(expr.asString()).results())
            .map(MatchResult::group)
            .collect(Collectors.toSet());
        String prometheus = this.client.get("/actuator/prometheus").body();

        assertThat(dashboard.get("panels")).hasSizeGreaterThanOrEqualTo(8);
        assertThat(queried).contains("multifetch_handles_running", "multifetch_handles_pending", "multifetch_connections",
                "multifetch_transfers_total", "multifetch_transfer_duration_seconds_bucket");
        assertThat(queried).contains("multifetch_http2_connections", "multifetch_http2_streams_active_streams",
                "multifetch_http2_goaways_total", "multifetch_http2_streams_replayed_total",
                "multifetch_http2_flow_stalls_total");
        assertThat(queried).contains("multifetch_retries_total", "multifetch_retry_stopped_total",
                "multifetch_hosts_blocked_hosts");
        assertThat(queried).allSatisfy((meter) -> assertThat(prometheus).containsPattern("(?m)^" + meter + "[ {]"));
    }

    /**
     * An h2c fetch whose first stream the target refuses (a replay) and which the target then
     * answers and ends with a GOAWAY: the tagged HTTP/2 counters appear only with a first event.
     */
    private void fetchOverHttp2WithAReplayAndAGoaway() {
        AtomicInteger requests = new AtomicInteger();
        try (H2ScriptedServer target = new H2ScriptedServer((conn) -> {
            conn.handshake(Map.of());
            while (true) {
                H2ScriptedServer.Request request = conn.awaitRequest();
                if (requests.incrementAndGet() == 1) {
                    conn.sendRst(request.streamId(), ErrorCode.REFUSED_STREAM);
                }
                else {
                    conn.respond(request, 200, "graphed over h2").sendGoAway(request.streamId(), ErrorCode.NO_ERROR, "");
                    return;
                }
            }
        })) {
            FetchResult result = this.client.fetch("{\"url\": " + this.client.quote(target.url("/h2"))
                    + ", \"httpVersion\": \"http2-prior-knowledge\"}");
            assertThat(result.httpVersion()).isEqualTo("HTTP/2");
            assertThat(result.body()).isEqualTo("graphed over h2");
            await().atMost(Duration.ofSeconds(20))
                .until(() -> this.client.get("/actuator/prometheus").body().contains("multifetch_http2_goaways_total{"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "env", "beans", "configprops", "heapdump", "threaddump", "loggers", "shutdown", "mappings" })
    void actuatorExposesOnlyHealthMetricsAndPrometheus(String endpoint) {
        assertThat(this.client.get("/actuator/" + endpoint).statusCode()).isEqualTo(404);
        JsonNode links = this.client.json(this.client.get("/actuator").body()).get("_links");
        assertThat(links.propertyNames()).containsOnly("self", "health", "health-path", "metrics", "metrics-requiredMetricName",
                "prometheus");
    }

    @Test
    void dashboardIsServedAtTheRoot() {
        HttpResponse<String> page = this.client.get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>multifetch · live</title>", "dashboard.js", "id=\"running\"");
        assertThat(this.client.get("/dashboard.js").body()).contains("new EventSource('api/events'");
    }

    @Test
    void openApiDescribesEveryEndpoint() {
        JsonNode api = this.client.json(this.client.get("/v3/api-docs").body());

        assertThat(api.at("/info/title").asString()).isEqualTo("multifetch sample app");
        assertThat(api.get("paths").propertyNames()).contains("/api/fetch", "/api/batch", "/api/transfers",
                "/api/transfers/{id}", "/api/events");
        assertThat(api.at("/paths/~1api~1fetch/post/requestBody/content/application~1json/schema/$ref").asString())
            .endsWith("/FetchSpec");
        assertThat(this.client.get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
    }
}
