package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.FakeDns;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-host pacing and host blocks on the engine's timer, against loopback servers that record
 * when each request arrived: one host paced while another runs at full speed, no engine thread
 * sleeping, a Retry-After holding a host's later requests, paced transfers counted as pending.
 */
@Timeout(30)
class PolitenessTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();

    /** A server that answers at once and records each request's arrival (System.nanoTime). */
    private static ScriptedServer recording(Loopback loopback, List<Long> arrivals) {
        ScriptedServer server = loopback.server();
        server.dispatcher((i, r) -> {
            arrivals.add(System.nanoTime());
            return ok("ok");
        });
        return server;
    }

    @Test
    void aPacedHostsStartsAreSpacedWhileAnotherHostRunsAtOnceAndNoEngineThreadSleeps() throws Exception {
        List<Long> arrivalsA = new CopyOnWriteArrayList<>();
        List<Long> arrivalsB = new CopyOnWriteArrayList<>();
        ScriptedServer a = recording(loopback, arrivalsA);
        ScriptedServer b = recording(loopback, arrivalsB);
        // host A is "localhost", pinned to 127.0.0.1: no lookup, no IPv6 attempt, delays the first arrival
        FetchEngine paced = loopback.engine(MultiOptions.builder().resolve("localhost", a.port(), FakeDns.ip("127.0.0.1"))
                .politeness(Politeness.builder().rule("localhost", Duration.ofMillis(500), null).build()).build());

        long start = System.nanoTime();
        List<CompletableFuture<FetchResponse>> toA = IntStream.range(0, 3)
                .mapToObj(i -> paced.fetch(FetchRequest.get("http://localhost:" + a.port() + "/a" + i))).toList();
        List<CompletableFuture<FetchResponse>> toB = IntStream.range(0, 10)
                .mapToObj(i -> paced.fetch(FetchRequest.get(b.url("/b" + i)))).toList();
        for (CompletableFuture<FetchResponse> f : toB) {
            succeeds(f);
        }
        long bDone = System.nanoTime() - start;
        eventually().until(() -> paced.pendingHandles() == 2);
        List<String> sleeping = engineThreadsSleeping();
        for (CompletableFuture<FetchResponse> f : toA) {
            succeeds(f);
        }

        assertThat(bDone).as("host B's ten requests, nanoseconds").isLessThan(400_000_000L);
        assertThat(sleeping).isEmpty();
        List<Long> sorted = new ArrayList<>(arrivalsA);
        sorted.sort(null);
        for (int i = 1; i < sorted.size(); i++) {
            // the first request opened a connection, the later ones reuse it: a few ms of slack
            assertThat(sorted.get(i) - sorted.get(i - 1)).as("gap %d at the server", i).isGreaterThanOrEqualTo(490_000_000L);
        }
        assertThat(paced.pendingHandles()).isZero();
    }

    @Test
    void theIntervalCountsFromWhenARequestGoesOutNotFromWhenItWasAdmitted() throws Exception {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        ScriptedServer server = recording(loopback, arrivals);
        // a name server that takes 400 ms over its first answer: the first request goes out late
        AtomicInteger lookups = new AtomicInteger();
        HostResolver slowFirst = host -> {
            if (lookups.incrementAndGet() == 1) {
                LockSupport.parkNanos(400_000_000L);
            }
            return new java.net.InetAddress[] {FakeDns.ip("127.0.0.1")};
        };
        FetchEngine engine = loopback.engine(MultiOptions.builder().hostResolver(slowFirst)
                .politeness(Politeness.builder().rule("slow.test", Duration.ofMillis(500), null).build()).build());

        List<CompletableFuture<FetchResponse>> both = IntStream.range(0, 2)
                .mapToObj(i -> engine.fetch(FetchRequest.get("http://slow.test:" + server.port() + "/" + i))).toList();
        for (CompletableFuture<FetchResponse> f : both) {
            succeeds(f);
        }

        // admitted at 0 and 500 ms, the requests would reach the server about 100 ms apart
        List<Long> sorted = new ArrayList<>(arrivals);
        sorted.sort(null);
        assertThat(sorted.get(1) - sorted.get(0)).as("gap at the server").isGreaterThanOrEqualTo(490_000_000L);
        assertThat(lookups.get()).isEqualTo(1);
    }

    /** Engine threads whose stack is in Thread.sleep (a paced wait must be a timer, never a sleep). */
    private static List<String> engineThreadsSleeping() {
        List<String> sleeping = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (!e.getKey().getName().startsWith("multifetch")) {
                continue;
            }
            for (StackTraceElement frame : e.getValue()) {
                if (frame.getClassName().equals("java.lang.Thread") && frame.getMethodName().startsWith("sleep")) {
                    sleeping.add(e.getKey().getName());
                }
            }
        }
        return sleeping;
    }

    @Test
    void aRateAllowsItsBurstThenSpacesTheRest() throws Exception {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        ScriptedServer server = recording(loopback, arrivals);
        FetchEngine engine = loopback.engine(MultiOptions.builder().politeness(Politeness.builder()
                .rate(Rate.parse("5/s").withBurst(2)).build()).build());

        List<CompletableFuture<FetchResponse>> all = IntStream.range(0, 4)
                .mapToObj(i -> engine.fetch(FetchRequest.get(server.url("/" + i)))).toList();
        for (CompletableFuture<FetchResponse> f : all) {
            succeeds(f);
        }

        List<Long> sorted = new ArrayList<>(arrivals);
        sorted.sort(null);
        assertThat(sorted.get(1) - sorted.get(0)).as("the burst").isLessThan(150_000_000L);
        assertThat(sorted.get(2) - sorted.get(1)).as("then one per 200 ms").isGreaterThanOrEqualTo(150_000_000L);
        assertThat(sorted.get(3) - sorted.get(2)).isGreaterThanOrEqualTo(190_000_000L);
    }

    @Test
    void aRetryAfterBlocksTheHostsLaterRequestsButNotOtherHosts() throws Exception {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        ScriptedServer busy = loopback.server();
        busy.dispatcher((i, r) -> {
            arrivals.add(System.nanoTime());
            return r.target().equals("/first")
                    ? script().sendResponse(503, Map.of("Retry-After", "1", "Content-Length", "0"), "")
                    : ok("later");
        });
        ScriptedServer other = loopback.server();
        other.dispatcher((i, r) -> ok("other"));
        List<String> blocked = new CopyOnWriteArrayList<>();
        FetchEngine engine = loopback.engine(MultiOptions.builder().politeness(Politeness.builder().build())
                .listener(new FetchListener() {
                    @Override
                    public void hostBlocked(String key, long nanos) {
                        blocked.add(key);
                    }
                }).build());

        FetchResponse first = succeeds(engine.fetch(FetchRequest.get(busy.url("/first"))));
        long afterFirst = System.nanoTime();
        CompletableFuture<FetchResponse> later = engine.fetch(FetchRequest.get(busy.url("/later")));
        FetchResponse elsewhere = succeeds(engine.fetch(FetchRequest.get(other.url("/x"))));
        long elsewhereDone = System.nanoTime() - afterFirst;
        FetchResponse held = succeeds(later);

        assertThat(first.status()).isEqualTo(503);
        assertThat(first.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(elsewhere.bodyAsString()).isEqualTo("other");
        assertThat(elsewhereDone).isLessThan(500_000_000L);
        assertThat(held.bodyAsString()).isEqualTo("later");
        assertThat(arrivals.get(1) - afterFirst).isGreaterThanOrEqualTo(900_000_000L);
        assertThat(held.timings().queue()).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(blocked).containsExactly("http://127.0.0.1:" + busy.port());
    }

    @Test
    void aBadPolitenessSettingFailsNamingIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Politeness.builder().minInterval(Duration.ofMillis(-1)))
                .hasMessageContaining("minInterval");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rate.parse("ten/s")).hasMessageContaining("ten/s");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rate.parse("5/w")).hasMessageContaining("unit");
    }
}
