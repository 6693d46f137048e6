package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.multifetch.core.testing.H2Frames;
import dev.multifetch.core.testing.H2ScriptedServer;
import dev.multifetch.core.testing.H2ScriptedServer.Request;
import dev.multifetch.core.testing.Nghttpd;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flow control never lets one transfer hold the others: a paused consumer closes its own
 * stream's window and nothing else, transfers cancelled mid-body leave their neighbours on the
 * same connection finishing, and a window the server opens after a zero start lets the body go.
 */
class Http2FlowControlTests {

    private static final int SIZE = 10 * 1024 * 1024;

    @Test
    @Timeout(120)
    void onePausedDownloadOfAHundredDoesNotHoldTheOtherNinetyNine() throws Exception {
        try (Nghttpd server = Nghttpd.builder().file("/10m", SIZE).start();
             FetchEngine engine = engine()) {
            AtomicReference<TransferControl> pausedControl = new AtomicReference<>();
            AtomicBoolean pausedOnce = new AtomicBoolean();
            Counting paused = new Counting() {
                @Override
                public boolean onData(ByteBuffer data) {
                    super.onData(data);
                    return !pausedOnce.compareAndSet(false, true);
                }
            };
            CompletableFuture<FetchResponse> slow = engine.fetch(FetchRequest.builder(server.url("/10m"))
                    .bodyConsumer(paused.capturing(pausedControl)).build());
            List<Counting> others = new ArrayList<>();
            List<CompletableFuture<FetchResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 99; i++) {
                Counting c = new Counting();
                others.add(c);
                futures.add(engine.fetch(FetchRequest.builder(server.url("/10m")).bodyConsumer(c).build()));
            }
            for (CompletableFuture<FetchResponse> f : futures) {
                assertThat(f.get(100, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            assertThat(others).allSatisfy(c -> assertThat(c.bytes.get()).isEqualTo(SIZE));
            assertThat(slow).as("the paused transfer waits while the others finished").isNotDone();
            assertThat(paused.bytes.get()).as("bytes the paused stream took before pausing").isLessThan(SIZE);

            pausedControl.get().resume();
            assertThat(slow.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(paused.bytes.get()).isEqualTo(SIZE);
            assertThat(paused.completed.getCount()).isZero();
        }
    }

    @Test
    @Timeout(120)
    void fiftyCancelledMidBodyLeaveTheOtherFiftyFinishingOnTheSameConnection() throws Exception {
        Http2RealServerTests.StreamCounter counter = new Http2RealServerTests.StreamCounter();
        try (Nghttpd server = Nghttpd.builder().file("/10m", SIZE).start();
             FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                     .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).maxHostConnections(1).listener(counter)
                     .timeout(Duration.ofSeconds(100)).build()).build()) {
            List<CompletableFuture<FetchResponse>> kept = new ArrayList<>();
            List<Counting> keptBodies = new ArrayList<>();
            List<CompletableFuture<FetchResponse>> cancelled = new ArrayList<>();
            List<Counting> cancelledBodies = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                // the ones to cancel hold at their first bytes, so each is cancelled mid-body
                Counting c = i % 2 == 0 ? new Counting() : new Counting() {
                    @Override
                    public boolean onData(ByteBuffer data) {
                        super.onData(data);
                        return false;
                    }
                };
                CompletableFuture<FetchResponse> f = engine.fetch(FetchRequest.builder(server.url("/10m")).bodyConsumer(c).build());
                (i % 2 == 0 ? kept : cancelled).add(f);
                (i % 2 == 0 ? keptBodies : cancelledBodies).add(c);
            }
            for (int i = 0; i < cancelled.size(); i++) {
                Counting c = cancelledBodies.get(i);
                await().atMost(Duration.ofSeconds(60)).until(() -> c.bytes.get() > 0);
                cancelled.get(i).cancel(true);
            }
            for (CompletableFuture<FetchResponse> f : kept) {
                assertThat(f.get(100, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            assertThat(keptBodies).allSatisfy(c -> assertThat(c.bytes.get()).isEqualTo(SIZE));
            assertThat(cancelled).allMatch(CompletableFuture::isCancelled);
            assertThat(counter.connections).as("one connection carried them all").hasSize(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.runningHandles() == 0);
            FetchResponse after = engine.fetch(FetchRequest.get(server.url("/10m"))).get(60, TimeUnit.SECONDS);
            assertThat(after.body()).hasSize(SIZE);
            assertThat(counter.connections).as("the connection is still good after the cancels").hasSize(1);
        }
    }

    @Test
    @Timeout(30)
    void uploadWaitsForTheWindowAndGoesOnWhenTheServerOpensIt() throws Exception {
        byte[] body = new byte[200_000];
        java.util.Arrays.fill(body, (byte) 'u');
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of(H2Frames.SETTINGS_INITIAL_WINDOW_SIZE, 0L));
            Request r = conn.awaitRequest();
            conn.sendWindowUpdate(0, 1_000_000);
            conn.sendWindowUpdate(r.streamId(), 1_000_000);
            byte[] got = conn.awaitBody(r.streamId());
            conn.respond(r, 200, "got " + got.length);
        }); FetchEngine engine = engine()) {
            FetchResponse r = engine.fetch(FetchRequest.builder(server.url("/up")).post(body).build()).get(20, TimeUnit.SECONDS);
            assertThat(r.bodyAsString()).isEqualTo("got 200000");
        }
    }

    @Test
    @Timeout(30)
    void whenTheServerAnswersBeforeTheBodyCouldGoTheResponseEndsTheTransfer() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of(H2Frames.SETTINGS_INITIAL_WINDOW_SIZE, 0L));
            conn.respond(conn.awaitRequest(), 200, "warm");
            Request upload = conn.awaitRequest();
            conn.respond(upload, 413, "too large, not reading it");
        }); FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).timeout(Duration.ofSeconds(20)).build()).build()) {
            engine.fetch(FetchRequest.get(server.url("/warm"))).get(20, TimeUnit.SECONDS);
            FetchResponse r = engine.fetch(FetchRequest.builder(server.url("/up")).post(new byte[100_000]).build())
                    .get(10, TimeUnit.SECONDS);

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.bodyAsString()).isEqualTo("too large, not reading it");
        }
    }

    @Test
    @Timeout(30)
    void whenTheServerResetsAPausedStreamTheTransferFailsWithoutWaitingForTheResume() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            Request r = conn.awaitRequest();
            conn.sendHeaders(r.streamId(), 200, Map.of(), false);
            conn.sendData(r.streamId(), "first bytes", false);
            conn.sendRst(r.streamId(), H2Frames.INTERNAL_ERROR);
        }); FetchEngine engine = engine()) {
            Counting pausing = new Counting() {
                @Override
                public boolean onData(ByteBuffer data) {
                    super.onData(data);
                    return false;
                }
            };
            CompletableFuture<FetchResponse> future = engine.fetch(FetchRequest.builder(server.url("/reset"))
                    .bodyConsumer(pausing).build());

            assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS)).cause().isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(((FetchException) e).error()).isEqualTo(FetchError.HTTP2_STREAM))
                    .hasMessageContaining("INTERNAL_ERROR");
            assertThat(pausing.bytes.get()).isEqualTo("first bytes".length());
        }
    }

    private static FetchEngine engine() {
        return FetchEngine.builder().options(MultiOptions.builder()
                .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).timeout(Duration.ofSeconds(100)).build()).build();
    }

    /** Counts body bytes without keeping them. */
    static class Counting implements BodyConsumer {
        final AtomicLong bytes = new AtomicLong();
        final CountDownLatch completed = new CountDownLatch(1);
        private AtomicReference<TransferControl> control;

        Counting capturing(AtomicReference<TransferControl> into) {
            this.control = into;
            return this;
        }

        @Override
        public void onStart(int status, Headers headers, TransferControl transferControl) {
            if (control != null) {
                control.set(transferControl);
            }
        }

        @Override
        public boolean onData(ByteBuffer data) {
            bytes.addAndGet(data.remaining());
            data.position(data.limit());
            return true;
        }

        @Override
        public void onComplete() {
            completed.countDown();
        }
    }
}
