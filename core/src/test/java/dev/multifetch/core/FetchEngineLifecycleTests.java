package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.multifetch.core.testing.QuietLogs;
import dev.multifetch.core.testing.ScriptedServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine's thread, its futures, cancellation and shutdown. */
@Timeout(30)
class FetchEngineLifecycleTests {

    private final ScriptedServer server = new ScriptedServer();
    private FetchEngine engine;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close(Duration.ZERO);
        }
        server.close();
    }

    @Test
    void whenFetchCompletesThenTheFutureCompletesOffTheSelectorThread() {
        server.defaultScript(ScriptedServer.ok("hi"));
        engine = FetchEngine.create();
        AtomicReference<String> thread = new AtomicReference<>();

        String body = engine.fetch(FetchRequest.get(server.url("/")))
                .thenApply(r -> {
                    thread.set(Thread.currentThread().getName());
                    return r.bodyAsString();
                }).join();

        assertThat(body).isEqualTo("hi");
        assertThat(thread.get()).doesNotStartWith("multifetch-selector");
    }

    @Test
    void theEngineRunsOnOneThreadNamedMultifetchSelectorThatEndsOnClose() {
        long before = selectorThreads();
        engine = FetchEngine.create();
        assertThat(selectorThreads()).isEqualTo(before + 1);
        assertThat(engine.isRunning()).isTrue();

        engine.close();

        assertThat(engine.isRunning()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> selectorThreads() == before);
    }

    @Test
    void whenFutureIsCancelledThenTheTransferStopsAndItsConnectionCloses() {
        CountDownLatch requestSeen = new CountDownLatch(1);
        server.defaultScript(ScriptedServer.script().run(requestSeen::countDown).stall());
        engine = FetchEngine.create();

        CompletableFuture<FetchResponse> f = engine.fetch(FetchRequest.get(server.url("/slow")));
        await().atMost(Duration.ofSeconds(5)).until(() -> requestSeen.getCount() == 0);
        f.cancel(true);

        await().atMost(Duration.ofSeconds(5)).until(() -> engine.runningHandles() == 0 && engine.openConnections() == 0);
        assertThat(f).isCancelled();
    }

    @Test
    void whenClosedWithGraceThenTransfersInFlightFinish() throws Exception {
        CountDownLatch requestSeen = new CountDownLatch(1);
        server.defaultScript(ScriptedServer.script().run(requestSeen::countDown).pause(Duration.ofMillis(300)).ok("late"));
        engine = FetchEngine.create();
        CompletableFuture<FetchResponse> f = engine.fetch(FetchRequest.get(server.url("/")));
        assertThat(requestSeen.await(5, TimeUnit.SECONDS)).isTrue();

        engine.close(Duration.ofSeconds(10));

        assertThat(f.join().bodyAsString()).isEqualTo("late");
    }

    @Test
    void whenGraceRunsOutThenTheRestFailWithAbortedByCallback() throws Exception {
        CountDownLatch requestSeen = new CountDownLatch(1);
        server.defaultScript(ScriptedServer.script().run(requestSeen::countDown).stall());
        engine = FetchEngine.create();
        CompletableFuture<FetchResponse> f = engine.fetch(FetchRequest.get(server.url("/")));
        assertThat(requestSeen.await(5, TimeUnit.SECONDS)).isTrue();

        engine.close(Duration.ofMillis(100));

        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.error()).isEqualTo(FetchError.ABORTED_BY_CALLBACK);
                    assertThat(e).hasMessageContaining("engine closed");
                });
        assertThat(engine.runningHandles()).isZero();
    }

    @Test
    void whenFetchIsCalledAfterCloseThenTheFutureFailsAtOnce() {
        engine = FetchEngine.create();
        engine.close();

        assertThatThrownBy(() -> engine.fetch(FetchRequest.get(server.url("/"))).join())
                .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void whenCompletionExecutorIsDirectThenFuturesCompleteOnTheSelectorThread() {
        server.defaultScript(ScriptedServer.ok("direct"));
        engine = FetchEngine.builder().completionExecutor(Runnable::run).build();
        AtomicReference<String> thread = new AtomicReference<>();

        engine.fetch(FetchRequest.get(server.url("/"))).thenAccept(r -> thread.set(Thread.currentThread().getName())).join();

        assertThat(thread.get()).startsWith("multifetch-selector-");
    }

    @Test
    void whenACallbackOnTheSelectorThreadFetchesAgainThenTheChainRunsToItsEnd() {
        CountDownLatch chainBuilt = new CountDownLatch(1);
        // the first answer waits until every stage is attached, so no stage runs on this thread
        server.dispatcher((i, request) -> request.target().equals("/0")
                ? ScriptedServer.script().await(chainBuilt, Duration.ofSeconds(10)).ok("next") : ScriptedServer.ok("next"));
        engine = FetchEngine.builder().completionExecutor(Runnable::run).build();
        List<String> threads = new CopyOnWriteArrayList<>();

        // each fetch is submitted from the previous one's callback, on the loop thread itself
        CompletableFuture<FetchResponse> chain = engine.fetch(FetchRequest.get(server.url("/0")));
        for (int i = 1; i <= 50; i++) {
            String url = server.url("/" + i);
            chain = chain.thenCompose(r -> {
                threads.add(Thread.currentThread().getName());
                return engine.fetch(FetchRequest.get(url));
            });
        }
        chainBuilt.countDown();

        assertThat(chain.orTimeout(10, TimeUnit.SECONDS).join().body()).asString().isEqualTo("next");
        assertThat(threads).hasSize(50).allSatisfy(name -> assertThat(name).startsWith("multifetch-selector-"));
    }

    @Test
    void whenUserCodeThrowsInADependentStageThenTheEngineCarriesOn() {
        server.defaultScript(ScriptedServer.ok("x"));
        engine = FetchEngine.builder().completionExecutor(Runnable::run).build();

        CompletableFuture<Object> broken = engine.fetch(FetchRequest.get(server.url("/a"))).thenApply(r -> {
            throw new IllegalStateException("user bug");
        });
        assertThatThrownBy(broken::join).hasRootCauseMessage("user bug");

        assertThat(engine.fetch(FetchRequest.get(server.url("/b"))).join().status()).isEqualTo(200);
    }

    @Test
    @QuietLogs("dev.multifetch.core.engine.SelectorLoop")
    void whenTheLoopMeetsAnUnexpectedErrorThenEveryTransferFailsAndNewFetchesFailFast() throws Exception {
        CountDownLatch requestSeen = new CountDownLatch(1);
        server.dispatcher((i, request) -> request.target().equals("/fatal") ? ScriptedServer.ok("x")
                : ScriptedServer.script().run(requestSeen::countDown).stall());
        FetchListener fatal = new FetchListener() {
            @Override
            public void responseHeaders(Transfer transfer, int status) {
                throw new StackOverflowError("simulated fatal error in the loop");
            }
        };
        engine = FetchEngine.builder().options(MultiOptions.builder().listener(fatal).build()).build();
        CompletableFuture<FetchResponse> waiting = engine.fetch(FetchRequest.get(server.url("/stalled")));
        assertThat(requestSeen.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<FetchResponse> trigger = engine.fetch(FetchRequest.get(server.url("/fatal")));

        assertThatThrownBy(waiting::join).cause().isInstanceOf(FetchException.class).hasMessageContaining("selector loop failed");
        assertThatThrownBy(trigger::join).cause().isInstanceOf(FetchException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> !engine.isRunning());
        assertThat(engine.failure()).get().isInstanceOf(StackOverflowError.class);
        assertThatThrownBy(() -> engine.fetch(FetchRequest.get(server.url("/after"))).join())
                .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("failed");
    }

    @Test
    void whenACallbackBlocksTheLoopThenItsBusyTimeShowsIt() throws Exception {
        CountDownLatch stageRegistered = new CountDownLatch(1);
        server.defaultScript(ScriptedServer.script().await(stageRegistered, Duration.ofSeconds(10)).ok("x"));
        CountDownLatch release = new CountDownLatch(1);
        engine = FetchEngine.builder().completionExecutor(Runnable::run).build();
        assertThat(engine.loopBusyTime()).isZero();

        // the blocking stage is attached before the response can arrive, so it runs on the selector thread
        engine.fetch(FetchRequest.get(server.url("/"))).thenRun(() -> awaitQuietly(release));
        stageRegistered.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> engine.loopBusyTime().toMillis() >= 200);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.loopBusyTime().isZero());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("multifetch-selector-") && t.isAlive()).count();
    }
}
