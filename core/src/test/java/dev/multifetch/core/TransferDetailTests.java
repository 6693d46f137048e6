package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Bodies;
import dev.multifetch.core.testing.Delivery;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.RecordedRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a response reports about its transfer besides the body (libcurl's getinfo): bytes sent and
 * received on the wire, heads included and summed over redirects, and the addresses of the
 * connection.
 */
@Timeout(20)
class TransferDetailTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final FetchEngine engine = loopback.engine(MultiOptions.DEFAULTS);
    private final ScriptedServer server = loopback.server();

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void bytesSentAndReceivedCountEveryByteOnTheWireHeadsIncluded(Delivery delivery) throws Exception {
        byte[] response = Delivery.ok("X-Detail: yes\r\n", Bodies.random(delivery == Delivery.ONE_BYTE_PER_WRITE ? 300 : 50_000));
        server.defaultScript(delivery.of(response));

        FetchResponse fetched = succeeds(engine.fetch(FetchRequest.builder(server.url("/detail?x=1"))
                .post(Bodies.random(12_345)).header("X-Trace", "abc").build()));

        assertThat(fetched.bytesReceived()).isEqualTo(response.length);
        assertThat(fetched.bytesSent()).isEqualTo(onTheWire(server.awaitRequests(1).get(0)));
    }

    @Test
    void afterARedirectTheByteCountsAreSummedOverBothExchanges() throws Exception {
        byte[] moved = Delivery.response("HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 4", "gone".getBytes(StandardCharsets.UTF_8));
        byte[] done = Delivery.ok("", "done".getBytes(StandardCharsets.UTF_8));
        server.dispatcher((index, request) -> script().send(request.target().equals("/a") ? moved : done));

        FetchResponse fetched = succeeds(engine.fetch(FetchRequest.builder(server.url("/a")).followRedirects().build()));

        List<RecordedRequest> requests = server.awaitRequests(2);
        assertThat(fetched.bytesReceived()).isEqualTo(moved.length + done.length);
        assertThat(fetched.bytesSent()).isEqualTo(onTheWire(requests.get(0)) + onTheWire(requests.get(1)));
    }

    @Test
    void remoteAndLocalAddressesAreThoseOfTheConnection() throws Exception {
        server.defaultScript(Delivery.WHOLE.of(Delivery.ok("", new byte[0])));

        FetchResponse fetched = succeeds(engine.fetch(FetchRequest.get(server.url("/where"))));

        assertThat(fetched.remoteAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", server.port()));
        assertThat(fetched.localAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(fetched.localAddress().getPort()).isPositive().isNotEqualTo(server.port());
    }

    /** The length of the request as written: request line, each field as {@code name: value}, blank line, body. */
    private static long onTheWire(RecordedRequest request) {
        StringBuilder head = new StringBuilder()
                .append(request.method()).append(' ').append(request.target()).append(' ').append(request.version()).append("\r\n");
        for (Map.Entry<String, String> field : request.headers()) {
            head.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
        }
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1).length + request.body().length;
    }
}
