package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.WAIT;
import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.failsTimed;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Fetches.TimedFailure;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connection limits: transfers beyond a limit wait as PENDING, are served first come first
 * served across origins, and their total timeout counts the time spent waiting.
 */
@Timeout(20)
class ConnectionLimitTests {

    private static final Duration HOLD = Duration.ofMillis(20);

    @RegisterExtension
    final Loopback loopback = new Loopback();

    @Test
    void fiftyTransfersToOneHostNeverOpenMoreThanTheHostLimitAndAllComplete() throws Exception {
        int transfers = 50;
        int hostLimit = 4;
        FetchEngine engine = loopback.engine(MultiOptions.builder().maxHostConnections(hostLimit).build());
        ScriptedServer server = loopback.server();
        CountDownLatch queueSeen = new CountDownLatch(1);
        server.dispatcher((index, request) -> script()
                .await(queueSeen, WAIT).pause(HOLD).then(ok("item " + request.target())));

        List<CompletableFuture<FetchResponse>> futures = new ArrayList<>();
        for (int i = 0; i < transfers; i++) {
            futures.add(engine.fetch(FetchRequest.get(server.url("/" + i))));
        }
        eventually().untilAsserted(() -> assertThat(engine.pendingHandles())
                .as("transfers waiting for a slot").isEqualTo(transfers - hostLimit));
        queueSeen.countDown();

        for (int i = 0; i < transfers; i++) {
            assertThat(succeeds(futures.get(i)).bodyAsString()).isEqualTo("item /" + i);
        }
        assertThat(server.peakOpenConnections()).as("most connections open at once").isEqualTo(hostLimit);
        assertThat(server.connectionCount()).as("connections opened, each reused").isEqualTo(hostLimit);
        assertThat(engine.pendingHandles()).isZero();
    }

    @Test
    void withATotalLimitTwoOriginsAreServedInSubmissionOrderSoNeitherStarves() throws Exception {
        FetchEngine engine = loopback.engine(MultiOptions.builder().maxTotalConnections(2).build());
        ScriptedServer a = loopback.server();
        ScriptedServer b = loopback.server();
        List<String> arrivals = Collections.synchronizedList(new ArrayList<>());
        a.dispatcher((index, request) -> script().run(() -> arrivals.add("A" + request.target()))
                .pause(HOLD).then(ok("a")));
        b.dispatcher((index, request) -> script().run(() -> arrivals.add("B" + request.target()))
                .pause(HOLD).then(ok("b")));

        // two A's take both slots; then B and A alternate, so A could always reuse its own
        // connection while B waits, unless slots go to the waiting transfers in order
        List<String> submitted = new ArrayList<>(List.of("A/0", "A/1"));
        for (int i = 1; i <= 10; i++) {
            submitted.add("B/" + i);
            submitted.add("A/" + (i + 1));
        }
        List<CompletableFuture<FetchResponse>> futures = new ArrayList<>();
        for (String s : submitted) {
            ScriptedServer origin = s.startsWith("A") ? a : b;
            futures.add(engine.fetch(FetchRequest.get(origin.url(s.substring(1)))));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(arrivals).containsExactlyInAnyOrderElementsOf(submitted);
        for (int i = 0; i < submitted.size(); i++) {
            assertThat(arrivals.indexOf(submitted.get(i)))
                    .as("arrival position of %s, submitted %d-th; arrivals: %s", submitted.get(i), i, arrivals)
                    .isBetween(i - 3, i + 3);
        }
    }

    @Test
    void theTotalTimeoutCountsTimeSpentWaitingForASlot() throws Exception {
        FetchEngine engine = loopback.engine(MultiOptions.builder().maxHostConnections(1).build());
        ScriptedServer server = loopback.server();
        server.defaultScript(script().stall());
        CompletableFuture<FetchResponse> stalled = engine.fetch(FetchRequest.get(server.url("/stalled")));
        server.awaitRequests(1);
        Duration timeout = Duration.ofMillis(500);

        TimedFailure queued = failsTimed(() -> engine.fetch(
                FetchRequest.builder(server.url("/queued")).timeout(timeout).build()));
        stalled.cancel(true);

        assertThat(queued.failure().error()).isEqualTo(FetchError.OPERATION_TIMEDOUT);
        assertThat(queued.failure()).hasMessageContaining("PENDING");
        queued.firedWithinTwentyPercentOf(timeout);
        assertThat(server.requests()).as("the queued transfer never reached the server").hasSize(1);
    }

    @Test
    void aTransferThatGaveUpWaitingLeavesTheQueueToTheOthers() throws Exception {
        FetchEngine engine = loopback.engine(MultiOptions.builder().maxHostConnections(1).build());
        ScriptedServer server = loopback.server();
        CountDownLatch release = new CountDownLatch(1);
        server.dispatcher((index, request) -> request.target().equals("/first")
                ? script().await(release, WAIT).then(ok("first"))
                : ok("after " + request.target()));
        CompletableFuture<FetchResponse> first = engine.fetch(FetchRequest.get(server.url("/first")));
        server.awaitRequests(1);
        CompletableFuture<FetchResponse> impatient = engine.fetch(
                FetchRequest.builder(server.url("/impatient")).timeout(Duration.ofMillis(100)).build());
        CompletableFuture<FetchResponse> patient = engine.fetch(FetchRequest.get(server.url("/patient")));

        assertThat(fails(impatient).error()).isEqualTo(FetchError.OPERATION_TIMEDOUT);
        eventually().until(() -> engine.pendingHandles() == 1);
        release.countDown();

        assertThat(succeeds(first).bodyAsString()).isEqualTo("first");
        assertThat(succeeds(patient).bodyAsString()).isEqualTo("after /patient");
        assertThat(server.connectionCount()).isEqualTo(1);
    }
}
