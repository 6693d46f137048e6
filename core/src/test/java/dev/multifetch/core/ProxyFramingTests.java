package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Bodies;
import dev.multifetch.core.testing.Delivery;
import dev.multifetch.core.testing.Framing;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.Script;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/1.1 framing reads the same through a forwarding proxy and through a CONNECT tunnel as it
 * does direct: each body framing and delivery, a truncated body, and 1xx responses ahead of the
 * final one. The scripted server plays the proxy and, once the tunnel is open, the origin.
 */
@Timeout(20)
class ProxyFramingTests {

    /** How the request reaches the scripted server. */
    enum Mode {
        FORWARD, TUNNEL
    }

    private static final String TUNNEL_OPEN = "HTTP/1.1 200 Connection established\r\n\r\n";

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final ScriptedServer proxy = loopback.server();

    private FetchEngine engine(Mode mode) {
        return loopback.engine(MultiOptions.builder().proxy(ProxySettings.builder()
                .url("http://127.0.0.1:" + proxy.port()).tunnel(mode == Mode.TUNNEL).build()).build());
    }

    /** Opens the tunnel on CONNECT, answers the origin's request with {@code answer}. */
    private void serve(Supplier<Script> answer) {
        proxy.dispatcher((i, r) -> r.method().equals("CONNECT") ? script().send(TUNNEL_OPEN) : answer.get());
    }

    static Stream<Arguments> framings() {
        return Arrays.stream(Mode.values()).flatMap(mode -> Arrays.stream(Framing.values())
                .flatMap(framing -> Arrays.stream(Delivery.values()).map(delivery -> Arguments.of(mode, framing, delivery))));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("framings")
    void everyFramingReadsTheSameThroughAProxy(Mode mode, Framing framing, Delivery delivery) throws Exception {
        byte[] body = Bodies.random(5_000);
        serve(() -> framing.respond(delivery, body));

        FetchResponse response = succeeds(engine(mode).fetch(FetchRequest.get("http://origin.example/f")));

        assertThat(response.body()).isEqualTo(body);
        assertThat(response.proxy()).isEqualTo("http://127.0.0.1:" + proxy.port());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aTruncatedBodyIsPartialFileThroughAProxy(Mode mode) {
        serve(() -> script().send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this").close());

        FetchException e = fails(engine(mode).fetch(FetchRequest.get("http://origin.example/t")));

        assertThat(e.error()).isEqualTo(FetchError.PARTIAL_FILE);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void informationalResponsesAreSkippedThroughAProxy(Mode mode) throws Exception {
        serve(() -> script().send("HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"));

        FetchResponse response = succeeds(engine(mode).fetch(FetchRequest.get("http://origin.example/i")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("final");
    }
}
