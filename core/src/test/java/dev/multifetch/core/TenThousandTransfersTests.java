package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.multifetch.core.testing.OpenFiles;
import dev.multifetch.core.testing.SlowOrigin;
import dev.multifetch.core.testing.SlowServer;
import dev.multifetch.core.testing.SlowServer.Stats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many transfers held open at once by a slow server, all on the engine's one selector thread. The
 * count is the system property {@code multifetch.scale} (default 2,000); run 10,000 with
 * {@code mvn -B -pl core test -Dtest=TenThousandTransfersTests -Dmultifetch.scale=10000}. Above
 * 5,000 the server runs in a JVM of its own, as the client's and the server's sockets would not
 * both fit under this JVM's descriptor limit.
 */
class TenThousandTransfersTests {

    private static final int SCALE = Integer.getInteger("multifetch.scale", 2_000);
    private static final int MOST_IN_THIS_JVM = 5_000;
    private static final Duration HOLD = Duration.ofSeconds(1);
    private static final Duration ALL_DONE = Duration.ofSeconds(120);

    @Test
    @Timeout(180)
    void manyTransfersHeldOpenBySlowServerAllCompleteAndLeaveNoDescriptorBehind() throws Exception {
        assumeTrue(OpenFiles.supported(), "needs /proc/self/fd to count descriptors");
        int baselineFds = OpenFiles.count();
        Set<Thread> selectorsBefore = selectorThreads();
        List<CompletableFuture<FetchResponse>> futures = new ArrayList<>(SCALE);
        Stats stats;
        long elapsedNanos;
        int selectorThreadsDuring;

        try (SlowOrigin origin = SCALE > MOST_IN_THIS_JVM ? SlowServer.launch(HOLD, ALL_DONE.plusMinutes(1)) : SlowServer.start(HOLD);
             FetchEngine engine = FetchEngine.builder()
                     .options(MultiOptions.builder().maxHostConnections(0).connectTimeout(Duration.ofSeconds(60)).build())
                     .build()) {
            long start = System.nanoTime();
            for (int i = 0; i < SCALE; i++) {
                futures.add(engine.fetch(FetchRequest.get("http://127.0.0.1:" + origin.port() + "/t/" + i)));
            }
            selectorThreadsDuring = (int) selectorThreads().stream().filter(t -> !selectorsBefore.contains(t)).count();
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(ALL_DONE.toSeconds(), TimeUnit.SECONDS);
            elapsedNanos = System.nanoTime() - start;

            for (int i = 0; i < SCALE; i++) {
                FetchResponse response = futures.get(i).join();
                assertThat(response.status()).as("status of /t/%d", i).isEqualTo(200);
                assertThat(response.bodyAsString()).as("body of /t/%d", i).isEqualTo("slow /t/" + i);
            }
            eventually().untilAsserted(() -> assertThat(engine.runningHandles()).isZero());
            assertThat(engine.pendingHandles()).isZero();
            stats = origin.stats();
        }

        System.out.printf("multifetch.scale=%d: all done in %d ms; server: %d requests, at most %d connections open "
                        + "and %d responses held at once%n",
                SCALE, TimeUnit.NANOSECONDS.toMillis(elapsedNanos), stats.requests(), stats.peakOpenConnections(),
                stats.peakHeldResponses());
        assertThat(stats.requests()).as("requests answered").isEqualTo(SCALE);
        assertThat(selectorThreadsDuring).as("selector threads the engine started").isEqualTo(1);
        assertThat(stats.peakOpenConnections()).as("connections open at once: the transfers were in flight together")
                .isGreaterThanOrEqualTo(SCALE / 2);
        eventually().untilAsserted(() -> assertThat(OpenFiles.count())
                .as("open descriptors after engine and server closed: %s", OpenFiles.targets())
                .isLessThanOrEqualTo(baselineFds));
    }

    private static Set<Thread> selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("multifetch-selector"))
                .collect(Collectors.toSet());
    }
}
