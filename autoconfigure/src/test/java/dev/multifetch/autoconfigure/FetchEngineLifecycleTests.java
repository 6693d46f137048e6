package dev.multifetch.autoconfigure;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.testing.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class FetchEngineLifecycleTests {

    /** {@code WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE}. */
    private static final int WEB_SERVER_PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MultifetchAutoConfiguration.class));

    @Test
    void whenContextClosesThenTransferInFlightFinishesWithinGrace() {
        ScriptedServer.Script slow = ScriptedServer.script().pause(Duration.ofMillis(300)).ok("late but whole");
        try (ScriptedServer server = new ScriptedServer().defaultScript(slow)) {
            AtomicReference<CompletableFuture<FetchResponse>> transfer = new AtomicReference<>();
            this.contextRunner.withPropertyValues("multifetch.shutdown-grace=10s").run((context) -> {
                transfer.set(context.getBean(FetchEngine.class).fetch(FetchRequest.get(server.url("/slow"))));
                server.awaitRequests(1);
                context.close();
            });
            assertThat(transfer.get().join().bodyAsString()).isEqualTo("late but whole");
        }
    }

    @Test
    void whenGraceRunsOutThenTransferIsAborted() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.script().stall())) {
            AtomicReference<CompletableFuture<FetchResponse>> transfer = new AtomicReference<>();
            this.contextRunner.withPropertyValues("multifetch.shutdown-grace=100ms").run((context) -> {
                transfer.set(context.getBean(FetchEngine.class).fetch(FetchRequest.get(server.url("/stalled"))));
                server.awaitRequests(1);
            });
            assertThatThrownBy(transfer.get()::join).cause()
                .isInstanceOfSatisfying(FetchException.class,
                        (failure) -> assertThat(failure.error()).isEqualTo(FetchError.ABORTED_BY_CALLBACK));
        }
    }

    @Test
    void whenContextClosesThenEngineStopsInItsLifecyclePhaseAfterTheWebServer() {
        AtomicReference<FetchEngine> engine = new AtomicReference<>();
        AtomicReference<Boolean> runningAtWebServerStop = new AtomicReference<>();
        AtomicReference<Boolean> runningAfterEnginePhase = new AtomicReference<>();
        this.contextRunner
            .withBean("webServer", PhaseProbe.class,
                    () -> new PhaseProbe(WEB_SERVER_PHASE, engine, runningAtWebServerStop))
            .withBean("later", PhaseProbe.class,
                    () -> new PhaseProbe(FetchEngineLifecycle.PHASE - 1, engine, runningAfterEnginePhase))
            .run((context) -> {
                engine.set(context.getBean(FetchEngine.class));
                context.close();
            });
        assertThat(runningAtWebServerStop.get()).isTrue();
        assertThat(runningAfterEnginePhase.get()).isFalse();
    }

    @Test
    void whenContextClosesThenNoSelectorThreadIsLeft() throws InterruptedException {
        Set<Thread> before = aliveSelectorThreads();
        AtomicReference<Set<Thread>> during = new AtomicReference<>();
        this.contextRunner.run((context) -> during.set(aliveSelectorThreads()));
        Set<Thread> started = during.get();
        started.removeAll(before);
        assertThat(started).hasSize(1);
        for (Thread thread : started) {
            thread.join(Duration.ofSeconds(10).toMillis());
        }
        assertThat(started).noneMatch(Thread::isAlive);
        assertThat(aliveSelectorThreads()).doesNotContainAnyElementsOf(started);
    }

    /** Every live thread named {@code multifetch-selector-N}. */
    private static Set<Thread> aliveSelectorThreads() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter((thread) -> thread.getName().startsWith("multifetch-selector-") && thread.isAlive())
            .collect(Collectors.toSet());
    }

    /**
     * Stops in {@code phase} and notes whether the engine was still running then. Spring Boot's
     * web server stops in {@link #WEB_SERVER_PHASE}.
     */
    private static final class PhaseProbe implements SmartLifecycle {

        private final int phase;
        private final AtomicReference<FetchEngine> engine;
        private final AtomicReference<Boolean> engineRunningAtStop;
        private volatile boolean running;

        PhaseProbe(int phase, AtomicReference<FetchEngine> engine, AtomicReference<Boolean> engineRunningAtStop) {
            this.phase = phase;
            this.engine = engine;
            this.engineRunningAtStop = engineRunningAtStop;
        }

        @Override
        public void start() {
            this.running = true;
        }

        @Override
        public void stop() {
            this.engineRunningAtStop.set(this.engine.get().isRunning());
            this.running = false;
        }

        @Override
        public boolean isRunning() {
            return this.running;
        }

        @Override
        public int getPhase() {
            return this.phase;
        }
    }
}
