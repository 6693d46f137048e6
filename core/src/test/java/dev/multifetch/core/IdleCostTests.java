package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.multifetch.core.testing.FaultServer;
import dev.multifetch.core.testing.FaultServer.Fault;
import dev.multifetch.core.testing.Loopback;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What idle transfers cost: a thousand connections whose server read the request and never
 * answers must leave the selector thread asleep in {@code select}, not spinning (curl
 * CVE-2022-27781 was such a busy loop). Measured with the thread's CPU time over a window of
 * two seconds, which this test waits out by design.
 */
class IdleCostTests {

    private static final int STALLED = 1_000;
    private static final Duration WINDOW = Duration.ofSeconds(2);
    /** Five percent of one core over the window. */
    private static final Duration MOST_CPU = WINDOW.dividedBy(20);

    @RegisterExtension
    final Loopback loopback = new Loopback();

    @Test
    @Timeout(60)
    void aThousandStalledConnectionsCostTheSelectorThreadUnderFivePercentOfACore() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadCpuTimeSupported(), "needs per-thread CPU time");
        threads.setThreadCpuTimeEnabled(true);
        FaultServer server = loopback.closeAfter(FaultServer.start());
        Set<Thread> selectorsBefore = selectorThreads();
        FetchEngine engine = loopback.engine(MultiOptions.builder().maxHostConnections(0)
                .connectTimeout(Duration.ofMinutes(1)).readTimeout(Duration.ofMinutes(5)).build());
        List<CompletableFuture<FetchResponse>> stalled = new ArrayList<>();
        for (int i = 0; i < STALLED; i++) {
            stalled.add(engine.fetch(FetchRequest.get(server.url(Fault.STALL_AT_START, i))));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> server.requests() == STALLED && engine.openConnections() == STALLED);
        Thread selector = selectorThreads().stream().filter(t -> !selectorsBefore.contains(t)).findFirst().orElseThrow();

        long cpuBefore = threads.getThreadCpuTime(selector.getId());
        long turnsBefore = engine.loopTurns();
        Thread.sleep(WINDOW.toMillis());
        Duration cpu = Duration.ofNanos(threads.getThreadCpuTime(selector.getId()) - cpuBefore);
        long turns = engine.loopTurns() - turnsBefore;

        System.out.printf("idle cost: %d stalled connections, selector thread %s used %d ms CPU and turned %d times in %d ms%n",
                STALLED, selector.getName(), cpu.toMillis(), turns, WINDOW.toMillis());
        assertThat(stalled).as("transfers still waiting").noneMatch(CompletableFuture::isDone);
        assertThat(cpu).as("selector thread CPU over %s", WINDOW).isLessThan(MOST_CPU);
        assertThat(turns).as("loop turns over %s with nothing to do", WINDOW).isLessThan(20);
        engine.close(Duration.ZERO);
        await().atMost(Duration.ofSeconds(10)).until(() -> stalled.stream().allMatch(CompletableFuture::isDone));
    }

    private static Set<Thread> selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("multifetch-selector-"))
                .collect(Collectors.toSet());
    }
}
