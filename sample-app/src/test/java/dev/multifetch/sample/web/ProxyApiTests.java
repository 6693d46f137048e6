package dev.multifetch.sample.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.SampleClient;
import dev.multifetch.sample.fetch.FetchResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app fetching through the proxy in {@code multifetch.proxy.url} (a scripted forwarding proxy
 * on loopback, with credentials in its URL), declared trusted to resolve names: the default guard
 * otherwise, so loopback targets stay refused. Results and the dashboard name the proxy; nothing
 * shows its password.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "multifetch.sample.trusted-proxy=true")
@ExtendWith(OutputCaptureExtension.class)
@Timeout(60)
class ProxyApiTests {

    private static final ScriptedServer proxy = new ScriptedServer();

    @LocalServerPort
    private int port;

    @Autowired
    private JsonMapper jsonMapper;

    private SampleClient client;

    @DynamicPropertySource
    static void proxyUrl(DynamicPropertyRegistry registry) {
        registry.add("multifetch.proxy.url", () -> "http://svc:s3cret@127.0.0.1:" + proxy.port());
    }

    @AfterAll
    static void closeProxy() {
        proxy.close();
    }

    @BeforeEach
    void sampleClient() {
        this.client = new SampleClient(this.port, this.jsonMapper);
    }

    private static String shown() {
        return "http://127.0.0.1:" + proxy.port();
    }

    @Test
    void whenTrustedThenANameIsFetchedThroughTheProxyAndTheResultNamesIt() {
        proxy.dispatcher((index, request) -> ScriptedServer.ok("through " + request.target()));

        FetchResult result = this.client.fetchUrl("http://origin.example/page");

        assertThat(result.body()).isEqualTo("through http://origin.example/page");
        assertThat(result.proxy()).isEqualTo(shown());
        String basic = Base64.getEncoder().encodeToString("svc:s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(proxy.requests()).filteredOn((request) -> request.target().equals("http://origin.example/page"))
            .singleElement()
            .satisfies((request) -> assertThat(request.header("Proxy-Authorization")).hasValue("Basic " + basic));
    }

    @Test
    void whenTheProxyRefusesTheTunnelThenTheFailedResultNamesIt() {
        proxy.dispatcher((index, request) -> ScriptedServer.script()
            .sendResponse(403, Map.of("Content-Length", "0", "Connection", "close"), "")
            .close());

        FetchResult result = this.client.fetchUrl("https://refused.example/");

        assertThat(result.status()).isNull();
        assertThat(result.error().code()).isEqualTo("PROXY");
        assertThat(result.proxy()).isEqualTo(shown());
        assertThat(result.error().message()).doesNotContain("s3cret");
    }

    @Test
    void whenTargetIsALoopbackLiteralThenItIsRefusedAndTheProxyNeverAsked() {
        int before = proxy.connectionCount();

        HttpResponse<String> response = this.client.post("/api/fetch", "{\"url\": \"http://127.0.0.1/\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("127.0.0.1 is loopback");
        assertThat(proxy.connectionCount()).isEqualTo(before);
    }

    @Test
    void whenDashboardConnectsThenItsHelloNamesTheProxyWithoutCredentials() throws Exception {
        HttpRequest events = HttpRequest.newBuilder(URI.create(this.client.base() + "/api/events")).build();
        HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(events, HttpResponse.BodyHandlers.ofLines());
        String hello;
        try (Stream<String> lines = stream.body()) {
            hello = lines.filter((line) -> line.startsWith("data:")).findFirst().orElseThrow();
        }
        JsonNode data = this.client.json(hello.substring("data:".length()));

        assertThat(data.get("proxy").asString()).isEqualTo(shown());
        assertThat(hello).doesNotContain("s3cret");
    }

    @Test
    void whenStartedThenOneLineSaysTheProxyIsTrustedAndNothingShowsThePassword(CapturedOutput output) {
        assertThat(output.getAll()).contains("Fetching through the proxy " + shown() + " (multifetch.proxy.url)")
            .contains("are trusted to it (multifetch.sample.trusted-proxy=true)")
            .doesNotContain("s3cret");
    }
}
