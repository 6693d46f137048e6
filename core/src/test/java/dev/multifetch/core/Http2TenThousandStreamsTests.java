package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multifetch.core.testing.H2ScriptedServer;
import dev.multifetch.core.testing.H2ScriptedServer.Request;
import dev.multifetch.core.testing.OpenFiles;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ten thousand transfers in flight at once as streams of one HTTP/2 connection: the server holds
 * every response until all requests arrived, the heap they take is measured then, and all
 * complete afterwards with nothing left behind.
 */
class Http2TenThousandStreamsTests {

    private static final int STREAMS = 10_000;
    /** The heap each in-flight transfer may take, the server's record of its request included. */
    private static final long MAX_BYTES_PER_STREAM = 4 * 1024;

    @Test
    @Timeout(120)
    void tenThousandStreamsInFlightOnOneConnectionAllCompleteWithinFourKilobytesEach() throws Exception {
        int baselineSockets = OpenFiles.sockets();
        CountDownLatch allArrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long perStream;
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            List<Request> held = new ArrayList<>(STREAMS);
            while (held.size() < STREAMS) {
                held.add(conn.awaitRequest());
            }
            allArrived.countDown();
            release.await(60, TimeUnit.SECONDS);
            for (Request r : held) {
                conn.respond(r, 200, r.path());
            }
        }); FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).maxHostConnections(1).maxConcurrentStreams(STREAMS)
                .timeout(Duration.ofSeconds(100)).build()).build()) {
            long before = usedAfterGc(memory);
            List<CompletableFuture<FetchResponse>> futures = new ArrayList<>(STREAMS);
            for (int i = 0; i < STREAMS; i++) {
                futures.add(engine.fetch(FetchRequest.get(server.url("/s/" + i))));
            }
            assertThat(allArrived.await(60, TimeUnit.SECONDS)).as("all requests reached the server").isTrue();
            perStream = (usedAfterGc(memory) - before) / STREAMS;
            assertThat(engine.runningHandles()).isEqualTo(STREAMS);
            release.countDown();

            for (int i = 0; i < STREAMS; i++) {
                FetchResponse r = futures.get(i).get(60, TimeUnit.SECONDS);
                assertThat(r.bodyAsString()).isEqualTo("/s/" + i);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.runningHandles() == 0);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
        System.out.printf("HTTP/2: %d streams in flight on one connection, %d bytes of heap each%n", STREAMS, perStream);
        assertThat(perStream).as("heap per in-flight stream, bytes").isLessThanOrEqualTo(MAX_BYTES_PER_STREAM);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(OpenFiles.sockets())
                .as("open sockets: %s", OpenFiles.socketTargets()).isLessThanOrEqualTo(baselineSockets));
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
