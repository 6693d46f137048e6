package dev.multifetch.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.multifetch.core.testing.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(60)
class SampleApplicationTests {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @LocalServerPort
    private int port;

    @Autowired
    private JsonMapper jsonMapper;

    @Test
    void whenTargetAnswersThenResultCarriesStatusBodyAndTimings() throws Exception {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("hello, multifetch"))) {
            HttpResponse<String> response = fetch(target.url("/hello"));

            assertThat(response.statusCode()).isEqualTo(200);
            FetchResult result = this.jsonMapper.readValue(response.body(), FetchResult.class);
            assertThat(result.error()).isNull();
            assertThat(result.status()).isEqualTo(200);
            assertThat(result.httpVersion()).isEqualTo("HTTP/1.1");
            assertThat(result.body()).isEqualTo("hello, multifetch");
            assertThat(result.bodyBytes()).isEqualTo(17);
            assertThat(result.headers()).contains(List.of("Content-Length", "17"));
            assertThat(result.timings().totalMs()).isPositive();
        }
    }

    @Test
    void whenTargetPortClosedThenOkWithCouldntConnect() throws Exception {
        HttpResponse<String> response = fetch("http://127.0.0.1:" + closedPort() + "/hello");

        assertThat(response.statusCode()).isEqualTo(200);
        FetchResult result = this.jsonMapper.readValue(response.body(), FetchResult.class);
        assertThat(result.status()).isNull();
        assertThat(result.error()).isNotNull();
        assertThat(result.error().code()).isEqualTo("COULDNT_CONNECT");
        assertThat(result.error().message()).isNotBlank().doesNotStartWith("COULDNT_CONNECT");
    }

    @Test
    void whenTransferDoneThenActuatorShowsEngineHealthAndMeters() throws Exception {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("counted"))) {
            assertThat(fetch(target.url("/counted")).statusCode()).isEqualTo(200);
        }

        JsonNode health = this.jsonMapper.readTree(get("/actuator/health").body());
        assertThat(health.at("/components/multifetch/status").asString()).isEqualTo("UP");
        assertThat(health.at("/components/multifetch/details/running").isNumber()).isTrue();

        JsonNode transfers = this.jsonMapper
            .readTree(get("/actuator/metrics/multifetch.transfers?tag=outcome:SUCCESS").body());
        assertThat(transfers.at("/measurements/0/value").asDouble()).isGreaterThanOrEqualTo(1);
        assertThat(get("/actuator/metrics/multifetch.handles.running").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/fetch", "/api/fetch?url=", "/api/fetch?url=%20" })
    void whenUrlMissingOrBlankThenBadRequestProblem(String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                (type) -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("url");
    }

    private HttpResponse<String> fetch(String url) throws IOException, InterruptedException {
        return get("/api/fetch?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .build();
        return this.client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A loopback port that nothing listens on: bound by the system, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
