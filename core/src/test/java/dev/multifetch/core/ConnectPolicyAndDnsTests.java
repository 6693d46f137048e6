package dev.multifetch.core;

import static dev.multifetch.core.testing.FakeDns.ip;
import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.multifetch.core.ConnectPolicy.Verdict;
import dev.multifetch.core.testing.FakeDns;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.RecordingListener;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.StalledListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the engine connects: the connect policy judging each resolved address before any packet
 * is sent, resolve and connect-to overrides that need no DNS, the DNS cache, falling through an
 * address list, and happy eyeballs across the two address families.
 */
@Timeout(20)
class ConnectPolicyAndDnsTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final RecordingListener listener = new RecordingListener();
    private final List<Map.Entry<String, InetSocketAddress>> judged = new CopyOnWriteArrayList<>();
    private final ScriptedServer server = loopback.server().defaultScript(ok("real"));

    private FetchEngine engine(MultiOptions.Builder options) {
        return loopback.engine(options.listener(listener).build());
    }

    /** A policy that records every address it is asked about and denies those given. */
    private ConnectPolicy denying(String... literals) {
        List<InetSocketAddress> denied = List.of(literals).stream().map(a -> new InetSocketAddress(ip(a), server.port())).toList();
        return (host, address) -> {
            judged.add(Map.entry(host, address));
            return denied.contains(address) ? Verdict.deny("test denies " + address) : Verdict.ALLOW;
        };
    }

    private InetSocketAddress at(String literal) {
        return at(literal, server.port());
    }

    private static InetSocketAddress at(String literal, int port) {
        return new InetSocketAddress(ip(literal), port);
    }

    @Test
    void whenThePolicyDeniesTheOnlyAddressThenCouldntConnectAndNoPacketIsSent() throws Exception {
        FetchEngine engine = engine(MultiOptions.builder().connectPolicy(denying("127.0.0.1")));

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/private"))));

        assertThat(failure.error()).isEqualTo(FetchError.COULDNT_CONNECT);
        assertThat(failure).hasMessageContaining("denied by connect policy").hasMessageContaining("test denies");
        assertThat(judged).containsExactly(Map.entry("127.0.0.1", at("127.0.0.1")));
        assertThat(listener.namesFor(server.url("/private"))).doesNotContain("connectStart");
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void thePolicyJudgesEachResolvedAddressAndOnlyTheAllowedOneIsConnectedTo() throws Exception {
        ScriptedServer decoy = loopback.closeAfter(new ScriptedServer(at("127.0.0.2")));
        decoy.defaultScript(ok("decoy"));
        FetchEngine engine = engine(MultiOptions.builder()
                .hostResolver(FakeDns.answering("two.test", "127.0.0.2", "127.0.0.1"))
                .connectPolicy(denying("127.0.0.2")));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get("http://two.test:" + server.port() + "/")));

        assertThat(response.bodyAsString()).isEqualTo("real");
        assertThat(judged).containsExactly(Map.entry("two.test", at("127.0.0.2")), Map.entry("two.test", at("127.0.0.1")));
        assertThat(decoy.connectionCount()).isZero();
    }

    @Test
    void aResolveOverrideIsUsedWithoutAnyLookupAndTheHostHeaderKeepsTheName() throws Exception {
        FakeDns dns = FakeDns.none();
        FetchEngine engine = engine(MultiOptions.builder().hostResolver(dns)
                .resolve("example.test", server.port(), ip("127.0.0.1")));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get("http://example.test:" + server.port() + "/x")));

        assertThat(response.bodyAsString()).isEqualTo("real");
        assertThat(dns.lookups()).isEmpty();
        assertThat(server.awaitRequests(1).get(0).header("Host")).contains("example.test:" + server.port());
    }

    @Test
    void connectToSendsTheRequestToAnotherAddressAndPortWhileTheHostHeaderStaysTheUrls() throws Exception {
        FakeDns dns = FakeDns.none();
        FetchEngine engine = engine(MultiOptions.builder().hostResolver(dns)
                .connectTo("api.test", 80, "127.0.0.1", server.port()));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get("http://api.test/v1/items")));

        assertThat(response.bodyAsString()).isEqualTo("real");
        assertThat(response.effectiveUrl()).isEqualTo("http://api.test/v1/items");
        assertThat(dns.lookups()).isEmpty();
        assertThat(server.awaitRequests(1).get(0).header("Host")).contains("api.test");
        assertThat(server.requests().get(0).target()).isEqualTo("/v1/items");
    }

    @Test
    void withinTheDnsCacheTimeoutASecondConnectSkipsTheLookup() throws Exception {
        assertThat(lookupsForTwoConnects(MultiOptions.builder())).containsExactly("cached.test");
    }

    @Test
    void withDnsCacheTimeoutZeroEveryConnectLooksUpAgain() throws Exception {
        assertThat(lookupsForTwoConnects(MultiOptions.builder().dnsCacheTimeout(Duration.ZERO)))
                .containsExactly("cached.test", "cached.test");
    }

    /** Two fetches one after the other, each on a new connection (the server closes); the lookups they caused. */
    private List<String> lookupsForTwoConnects(MultiOptions.Builder options) throws Exception {
        FakeDns dns = FakeDns.answering("cached.test", "127.0.0.1");
        server.defaultScript(script().send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok").close());
        FetchEngine engine = engine(options.hostResolver(dns));
        String url = "http://cached.test:" + server.port() + "/";

        succeeds(engine.fetch(FetchRequest.get(url)));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(url)));

        assertThat(second.connects()).as("the second fetch opened a connection").isEqualTo(1);
        return dns.lookups();
    }

    @Test
    void whenTheFirstAddressRefusesThenTheNextAddressIsTried() throws Exception {
        FetchEngine engine = engine(MultiOptions.builder()
                .hostResolver(FakeDns.answering("fallback.test", "127.0.0.2", "127.0.0.1")));
        String url = "http://fallback.test:" + server.port() + "/";

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(url)));

        assertThat(response.bodyAsString()).isEqualTo("real");
        assertThat(connectSteps(url)).containsExactly("connectStart " + at("127.0.0.2"), "connectFailed " + at("127.0.0.2"),
                "connectStart " + at("127.0.0.1"), "connectEnd " + at("127.0.0.1"));
    }

    @Test
    void happyEyeballsStartsIpv4AfterTheHeadStartWhenIpv6HangsAndConnectsThere() throws Exception {
        assumeTrue(ipv6LoopbackAvailable(), "no ::1 on this machine");
        Duration headStart = Duration.ofMillis(200);
        ScriptedServer ipv4 = ipv4ServerBesideAHangingIpv6Listener().defaultScript(ok("over ipv4"));
        int port = ipv4.port();
        FetchEngine engine = engine(MultiOptions.builder().happyEyeballsTimeout(headStart)
                .hostResolver(FakeDns.answering("dual.test", "::1", "127.0.0.1")));
        String url = "http://dual.test:" + port + "/";

        long start = System.nanoTime();
        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(url)));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.bodyAsString()).isEqualTo("over ipv4");
        assertThat(elapsed).isGreaterThanOrEqualTo(headStart);
        assertThat(response.timings().connect()).isGreaterThanOrEqualTo(headStart);
        assertThat(connectSteps(url)).containsExactly(
                "connectStart " + at("::1", port), "connectStart " + at("127.0.0.1", port), "connectEnd " + at("127.0.0.1", port));
    }

    @Test
    void happyEyeballsMovesToIpv4AtOnceWhenIpv6Refuses() throws Exception {
        assumeTrue(ipv6LoopbackAvailable(), "no ::1 on this machine");
        assumeTrue(nothingListensOn(at("::1")), "something listens on [::1]:" + server.port());
        FetchEngine engine = engine(MultiOptions.builder().happyEyeballsTimeout(Duration.ofSeconds(5))
                .hostResolver(FakeDns.answering("dual.test", "::1", "127.0.0.1")));
        String url = "http://dual.test:" + server.port() + "/";

        long start = System.nanoTime();
        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(url)));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("far less than the 5 s head start")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(response.bodyAsString()).isEqualTo("real");
        assertThat(connectSteps(url)).containsExactly("connectStart " + at("::1"), "connectFailed " + at("::1"),
                "connectStart " + at("127.0.0.1"), "connectEnd " + at("127.0.0.1"));
    }

    /** The connect events of the transfer for {@code url}, each with its address. */
    private List<String> connectSteps(String url) {
        return listener.eventsFor(url).stream()
                .filter(e -> List.of("connectStart", "connectEnd", "connectFailed").contains(e.name()))
                .map(e -> e.name() + " " + e.arg(0)).toList();
    }

    /** A scripted server on 127.0.0.1 at the port of a listener on ::1 whose accept queue is full. */
    private ScriptedServer ipv4ServerBesideAHangingIpv6Listener() throws IOException {
        for (int attempt = 1; ; attempt++) {
            StalledListener hanging = loopback.closeAfter(StalledListener.withFullBacklog(ip("::1")));
            try {
                return loopback.closeAfter(new ScriptedServer(at("127.0.0.1", hanging.port())));
            } catch (UncheckedIOException portTakenOnIpv4) {
                if (attempt == 5) {
                    throw portTakenOnIpv4;
                }
            }
        }
    }

    private static boolean ipv6LoopbackAvailable() {
        return nothingListensOn(at("::1", 0));
    }

    /** Whether {@code address} can be bound, and so has no listener (released at once). */
    private static boolean nothingListensOn(InetSocketAddress address) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
