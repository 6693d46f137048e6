package dev.multifetch.sample.web;

import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.SampleClient;
import dev.multifetch.sample.fetch.FetchResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
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
 * The app with a proxy in {@code multifetch.proxy.url} and every guard setting at its default, so
 * {@code multifetch.sample.trusted-proxy} is false: a name the forwarding proxy would resolve is
 * refused before the proxy sees a byte, with the reason and the property that would allow it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
@Timeout(60)
class UntrustedProxyApiTests {

    private static final ScriptedServer proxy = new ScriptedServer().defaultScript(ScriptedServer.ok("never"));

    @LocalServerPort
    private int port;

    @Autowired
    private JsonMapper jsonMapper;

    @DynamicPropertySource
    static void proxyUrl(DynamicPropertyRegistry registry) {
        registry.add("multifetch.proxy.url", () -> "http://127.0.0.1:" + proxy.port());
    }

    @AfterAll
    static void closeProxy() {
        proxy.close();
    }

    @Test
    void whenNotTrustedThenANameThroughTheForwardingProxyIsRefusedBeforeAnyByte() {
        FetchResult result = new SampleClient(this.port, this.jsonMapper).fetchUrl("http://origin.example/");

        assertThat(result.status()).isNull();
        assertThat(result.error().code()).isEqualTo("COULDNT_CONNECT");
        assertThat(result.error().message()).contains("denied by connect policy")
            .contains("would resolve origin.example itself")
            .contains("set multifetch.sample.trusted-proxy=true");
        assertThat(proxy.connectionCount()).isZero();
    }

    @Test
    void whenStartedThenOneLineSaysProxyResolvingModesAreRefused(CapturedOutput output) {
        assertThat(output.getAll()).contains("Fetching through the proxy http://127.0.0.1:" + proxy.port())
            .contains("(http and https proxies, socks4a, socks5h) are refused by the SSRF guard");
    }
}
