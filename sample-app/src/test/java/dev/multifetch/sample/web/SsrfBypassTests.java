package dev.multifetch.sample.web;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;

import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.SampleClient;
import dev.multifetch.sample.fetch.FetchResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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

/**
 * The SSRF guard at its defaults, with an API key set (the hardened configuration): every bypass
 * form of the security reference is refused before fetching (400) or at connect (error
 * COULDNT_CONNECT "denied by connect policy"), and the listeners on the loopback addresses those
 * forms name see no connection at all. Ports are left open here, so a refusal is always for the
 * address, never for the port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "multifetch.sample.allowed-ports=", "multifetch.sample.api-key=" + SsrfBypassTests.KEY })
@Timeout(60)
class SsrfBypassTests {

    static final String KEY = "s3cret-test-key";

    private static ScriptedServer internal;
    private static ScriptedServer internal6;

    @LocalServerPort
    private int port;

    @Autowired
    private JsonMapper jsonMapper;

    private SampleClient client;

    @BeforeAll
    static void listeners() {
        internal = new ScriptedServer().defaultScript(ScriptedServer.ok("internal secret"));
        internal6 = new ScriptedServer(new InetSocketAddress("::1", 0)).defaultScript(ScriptedServer.ok("internal secret"));
    }

    @AfterAll
    static void closeListeners() {
        internal.close();
        internal6.close();
    }

    @BeforeEach
    void client() {
        this.client = new SampleClient(this.port, this.jsonMapper, "X-API-Key", KEY);
    }

    @AfterEach
    void noConnectionReachedAnInternalListener() {
        assertThat(internal.connectionCount()).isZero();
        assertThat(internal6.connectionCount()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "http://127.0.0.1:P/", "http://127.1:P/", "http://2130706433:P/", "http://0x7f000001:P/", "http://0x7f.0.0.1:P/",
        "http://0x7f.1:P/", "http://017700000001:P/", "http://0177.0.0.1:P/", "http://0127.0.0.1:P/",
        "http://127.000.000.001:P/", "http://0:P/", "http://0.0.0.0:P/", "http://127.0.0.1.:P/", "http://LOCALHOST.:P/",
        "http://localhost:P/", "http://foo.localhost:P/", "http://evil.com@127.0.0.1:P/", "http://127.0.0.1%2F@evil.com:P/",
        "http://127%2E0%2E0%2E1:P/", "http://127.0.0.1:P#@evil.com/", "HtTp://127.0.0.1:P/", "http://127.0.0.1:0P/",
        "http://[::ffff:127.0.0.1]:P/", "http://[::ffff:7f00:1]:P/", "http://[::FFFF:7F00:1]:P/",
        "http://[::1]:Q/", "http://[0:0:0:0:0:0:0:1]:Q/", "http://[0000::1]:Q/", "http://[::]:Q/", "http://[::127.0.0.1]:Q/",
        "http://[64:ff9b::7f00:1]:Q/", "http://[64:ff9b::a9fe:a9fe]:Q/", "http://[2002:7f00:1::]:Q/",
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]:Q/", "http://[fd00:ec2::254]:Q/", "http://[fc00::1]:Q/",
        "http://[fe80::1%25lo]:Q/", "http://[fec0::1]:Q/", "http://[ff02::1]:Q/",
        "http://169.254.169.254/latest/meta-data/", "http://100.100.100.200/", "http://10.0.0.1/", "http://192.168.0.1/",
        "http://metadata.google.internal/", "http://instance-data/", "file:///etc/passwd", "jar:file:/app.jar!/",
        "ftp://127.0.0.1:P/", "gopher://127.0.0.1:P/", "dict://127.0.0.1:P/", "//127.0.0.1:P/", "http:127.0.0.1:P",
        "http://evil.com\\@127.0.0.1:P/", "http:/\\127.0.0.1:P/", "http://127.0.0.1:P/\r\nX: y", "http://\u2460\u2461\u2466.0.0.1:P/",
    })
    void bypassFormIsRefusedAndNothingConnects(String form) {
        String url = form.replace(":P", ":" + internal.port()).replace(":0P", ":0" + internal.port())
            .replace(":Q", ":" + internal6.port());

        assertRefused(fetch(url));
    }

    @Test
    void portOutOfRangeThatWrapsOntoTheListenerIsRefused() {
        HttpResponse<String> response = fetch("http://127.0.0.1:" + (internal.port() + 65536) + "/");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"rule\":\"port\"").contains("outside 1-65535");
    }

    @Test
    void aUrlLongerThanTheLimitIsRefused() {
        assertRefused(fetch("http://127.0.0.1:" + internal.port() + "/" + "a".repeat(2100)));
    }

    @Test
    void theAppsOwnPortIsRefused() {
        assertRefused(fetch("http://127.0.0.1:" + this.port + "/actuator/health"));
    }

    @Test
    void withoutTheApiKeyEveryApiCallIs401() {
        SampleClient anonymous = new SampleClient(this.port, this.jsonMapper);
        SampleClient wrongKey = new SampleClient(this.port, this.jsonMapper, "X-API-Key", "nope");
        SampleClient bearer = new SampleClient(this.port, this.jsonMapper, "Authorization", "Bearer " + KEY);

        for (HttpResponse<String> response : new HttpResponse[] { anonymous.get("/api/transfers"),
                anonymous.get("/api/fetch?url=http://example.com/"), anonymous.post("/api/batch", "{}"),
                wrongKey.get("/api/transfers"), anonymous.get("/api/events?apiKey=nope") }) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        }
        assertThat(bearer.get("/api/transfers").statusCode()).isEqualTo(200);
        assertThat(this.client.get("/api/transfers").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> fetch(String url) {
        return this.client.post("/api/fetch", "{\"url\": " + this.client.quote(url) + "}");
    }

    /** A 400 naming the url, or a 200 whose error says the connect policy denied it. */
    private void assertRefused(HttpResponse<String> response) {
        if (response.statusCode() == 400) {
            JsonNode problem = this.client.json(response.body());
            assertThat(problem.at("/errors/0/field").asString()).isEqualTo("url");
            assertThat(problem.at("/errors/0/rule").asString()).isNotEqualTo("port");
            return;
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        FetchResult result = this.jsonMapper.readValue(response.body(), FetchResult.class);
        assertThat(result.status()).as(response.body()).isNull();
        assertThat(result.error().code()).isEqualTo("COULDNT_CONNECT");
        assertThat(result.error().message()).contains("denied by connect policy");
    }
}
