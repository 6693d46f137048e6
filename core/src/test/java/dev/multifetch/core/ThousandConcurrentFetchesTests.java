package dev.multifetch.core;

import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multifetch.core.testing.OpenFiles;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A thousand transfers truly in flight at once on one engine: the server holds every response
 * until all thousand requests have arrived, so none can finish before the last one started.
 */
class ThousandConcurrentFetchesTests {

    private static final int FETCHES = 1_000;
    private static final Duration ALL_ARRIVE = Duration.ofSeconds(30);

    @Test
    @Timeout(60)
    void thousandFetchesInFlightTogetherEachCompleteOnceAndLeaveNothingBehind() throws Exception {
        int baselineSockets = OpenFiles.sockets();
        Set<Thread> engineThreadsBefore = engineThreads();
        CountDownLatch allArrived = new CountDownLatch(FETCHES);
        AtomicIntegerArray completions = new AtomicIntegerArray(FETCHES);
        List<CompletableFuture<FetchResponse>> futures = new ArrayList<>(FETCHES);
        List<CompletableFuture<FetchResponse>> observed = new ArrayList<>(FETCHES);
        List<RecordedRequest> seen;

        try (ScriptedServer server = new ScriptedServer();
             FetchEngine engine = FetchEngine.builder()
                     .options(MultiOptions.builder().maxHostConnections(0).build())
                     .build()) {
            server.dispatcher((index, request) -> script()
                    .run(allArrived::countDown)
                    .await(allArrived, ALL_ARRIVE)
                    .then(ok(bodyFor(request.target()))));

            for (int i = 0; i < FETCHES; i++) {
                int n = i;
                CompletableFuture<FetchResponse> future = engine.fetch(FetchRequest.get(server.url("/item/" + n)));
                futures.add(future);
                observed.add(future.whenComplete((response, failure) -> completions.incrementAndGet(n)));
            }
            CompletableFuture.allOf(observed.toArray(CompletableFuture[]::new)).get(50, TimeUnit.SECONDS);

            for (int i = 0; i < FETCHES; i++) {
                FetchResponse response = futures.get(i).join();
                assertThat(response.status()).as("status of /item/%d", i).isEqualTo(200);
                assertThat(response.bodyAsString()).as("body of /item/%d", i).isEqualTo(bodyFor("/item/" + i));
            }
            eventually().untilAsserted(() -> assertThat(engine.runningHandles()).isZero());
            assertThat(engine.pendingHandles()).isZero();
            assertThat(server.connectionCount()).as("connections opened").isEqualTo(FETCHES);
            assertThat(server.connectionFailures()).as("server-side connection failures").isEmpty();
            seen = server.requests();
        }

        assertThat(seen).extracting(RecordedRequest::target).as("one request per fetch, no retries")
                .hasSize(FETCHES).doesNotHaveDuplicates();
        Set<CompletableFuture<FetchResponse>> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(futures);
        assertThat(distinct).as("distinct futures").hasSize(FETCHES);
        for (int i = 0; i < FETCHES; i++) {
            assertThat(completions.get(i)).as("completions of /item/%d", i).isEqualTo(1);
        }
        eventually().untilAsserted(() -> assertThat(OpenFiles.sockets())
                .as("open sockets after close: %s", OpenFiles.socketTargets())
                .isLessThanOrEqualTo(baselineSockets));
        eventually().untilAsserted(() -> assertThat(engineThreads())
                .as("multifetch- threads alive after close").isSubsetOf(engineThreadsBefore));
    }

    private static String bodyFor(String target) {
        return ("payload of " + target + "\n").repeat(50);
    }

    /** Live threads named {@code multifetch-*}; ones left by other test classes are in the "before" snapshot. */
    private static Set<Thread> engineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> thread.getName().startsWith("multifetch-"))
                .collect(Collectors.toSet());
    }

    /** Polls every 10 ms, from the first moment, for up to five seconds. */
    private static ConditionFactory eventually() {
        return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(5));
    }
}
