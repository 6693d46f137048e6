package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.multifetch.core.testing.FaultMix;
import dev.multifetch.core.testing.FaultServer;
import dev.multifetch.core.testing.FaultServer.Fault;
import dev.multifetch.core.testing.OpenFiles;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak: many transfers, {@code 256} in flight, a tenth of them meeting a fault the
 * {@link FaultServer} injects, chosen by a seeded {@link FaultMix}. It passes only if every
 * transfer completes exactly once with the outcome its fault implies ({@link #EXPECTED}), the
 * engine's own listener counted what the harness counted, and the engine left nothing behind:
 * no running handle, no descriptor, no thread, no heap. It prints its figures at the end.
 *
 * <p>CI runs the short form (10,000 transfers). The long form, and a repeat of a failed run:
 * <pre>
 * mvn -B -pl core test -Dtest=SoakTests -Dmultifetch.soak.transfers=100000 [-Dmultifetch.soak.seed=N]
 * </pre>
 */
class SoakTests {

    private static final int TRANSFERS = Integer.getInteger("multifetch.soak.transfers", 10_000);
    private static final int IN_FLIGHT = Integer.getInteger("multifetch.soak.in-flight", 256);
    private static final long SEED = Long.getLong("multifetch.soak.seed", System.nanoTime());
    private static final double FAULT_SHARE = 0.10;
    /** The limits of every transfer but the stalled and dripping ones: far beyond a healthy transfer even on a loaded machine. */
    private static final Duration PATIENT_READ = Duration.ofSeconds(10);
    private static final Duration PATIENT_TOTAL = Duration.ofSeconds(30);
    /** A stalled transfer's read timeout, as the reference soak sets it. */
    private static final Duration STALL_READ = Duration.ofMillis(300);
    /** A dripping transfer's deadline: the drip needs over six seconds, and each of its gaps is far under the read timeout. */
    private static final Duration DRIP_TOTAL = Duration.ofSeconds(1);
    /** No completion at all for this long (twice the longest limit) means something hangs. */
    private static final Duration STUCK = PATIENT_TOTAL.multipliedBy(2);
    private static final long MIB = 1024 * 1024;

    /**
     * The outcomes a fault may end a transfer with. A reset reaches the client as a failed read,
     * or a failed write if the request was still going out, or as nothing at all; a refused or
     * closed connection can fail before the connect is confirmed. A stall ends at its read timeout
     * and a drip at its deadline ({@link #request}). {@link Fault#CLOSE_IDLE} succeeds, and so does the next
     * transfer on its connection (retried once on a fresh connection if it met the close).
     */
    static final Map<Fault, Set<FetchError>> EXPECTED = expected();

    private static Map<Fault, Set<FetchError>> expected() {
        Set<FetchError> lostConnection = Set.of(FetchError.COULDNT_CONNECT, FetchError.SEND_ERROR,
                FetchError.RECV_ERROR, FetchError.GOT_NOTHING);
        Map<Fault, Set<FetchError>> expected = new EnumMap<>(Fault.class);
        expected.put(Fault.NONE, Set.of(FetchError.OK));
        expected.put(Fault.CLOSE_IDLE, Set.of(FetchError.OK));
        expected.put(Fault.REFUSE, lostConnection);
        expected.put(Fault.ACCEPT_CLOSE, lostConnection);
        expected.put(Fault.RESET_AT_START, Set.of(FetchError.RECV_ERROR, FetchError.SEND_ERROR, FetchError.GOT_NOTHING));
        expected.put(Fault.RESET_AFTER_HEADERS, Set.of(FetchError.RECV_ERROR));
        expected.put(Fault.RESET_MID_BODY, Set.of(FetchError.RECV_ERROR));
        expected.put(Fault.STALL_AT_START, Set.of(FetchError.OPERATION_TIMEDOUT));
        expected.put(Fault.STALL_BEFORE_BODY, Set.of(FetchError.OPERATION_TIMEDOUT));
        expected.put(Fault.STALL_MID_BODY, Set.of(FetchError.OPERATION_TIMEDOUT));
        expected.put(Fault.DRIP, Set.of(FetchError.OPERATION_TIMEDOUT));
        expected.put(Fault.GARBAGE, Set.of(FetchError.UNSUPPORTED_PROTOCOL));
        expected.put(Fault.TRUNCATED_CHUNKED, Set.of(FetchError.PARTIAL_FILE));
        return expected;
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyTransferCompletesOnceWithTheOutcomeItsFaultImpliesAndTheEngineLeavesNothingBehind() throws Exception {
        soak(MultiOptions.builder());
    }

    /**
     * The same with a retry on every transient failure and a rate per host that holds transfers
     * PENDING now and then: a fault meets every attempt, so the outcomes stay those it implies,
     * and still nothing is lost, nothing completes twice, nothing is left behind.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void withRetriesAndPacingOnNothingIsLostOrDoneTwice() throws Exception {
        soak(MultiOptions.builder()
                .retry(RetryPolicy.builder().maxRetries(1).baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2))
                        .retryConnRefused(true).budget(1.0, 1000).build())
                .politeness(Politeness.builder().rate(Rate.parse("3000/s").withBurst(32)).build()));
    }

    private void soak(MultiOptions.Builder options) throws Exception {
        assumeTrue(OpenFiles.supported(), "needs /proc/self/fd to count descriptors");
        assertThat(EXPECTED).as("an expected outcome for every fault").containsOnlyKeys(Fault.values());
        Resources before = Resources.measure();
        FaultMix mix = FaultMix.ofAll(SEED, FAULT_SHARE);
        System.out.printf("soak: seed %d (repeat with -Dmultifetch.soak.seed=%d)%n", SEED, SEED);
        Fault[] faults = new Fault[TRANSFERS];
        Arrays.setAll(faults, i -> mix.next());
        CountingListener listener = new CountingListener(TRANSFERS);
        ExecutorService completions = Executors.newSingleThreadExecutor(r -> new Thread(r, "soak-completions"));
        long started = System.nanoTime();
        long handlesZeroNanos;
        String serverFigures;
        Tally tally;
        try (FaultServer server = FaultServer.start();
             FetchEngine engine = FetchEngine.builder()
                     .options(options.maxHostConnections(0).listener(listener).build())
                     .completionExecutor(completions)
                     .build()) {
            tally = new Tally(faults, server);
            Semaphore slots = new Semaphore(IN_FLIGHT);
            for (int i = 0; i < TRANSFERS; i++) {
                take(slots, 1);
                int id = i;
                engine.fetch(request(server.url(faults[i], i), faults[i]))
                        .whenComplete((response, failure) -> {
                            tally.complete(id, response, failure);
                            slots.release();
                        });
            }
            take(slots, IN_FLIGHT);
            long lastCompletion = System.nanoTime();
            assertThat(waitUntil(Duration.ofSeconds(5), () -> engine.runningHandles() == 0))
                    .as("running handles 5 s after the last completion: %d", engine.runningHandles()).isTrue();
            handlesZeroNanos = System.nanoTime() - lastCompletion;
            assertThat(server.failure()).as("fault server failure").isEmpty();
            serverFigures = serverFigures(server);
        } finally {
            completions.shutdown();
            assertThat(completions.awaitTermination(10, TimeUnit.SECONDS)).as("completion thread ended").isTrue();
        }
        long elapsedNanos = System.nanoTime() - started;
        waitUntil(Duration.ofSeconds(5), () -> OpenFiles.count() <= before.fds() + 2 && before.newThreadsAlive().isEmpty());
        Resources after = Resources.measure();

        printFigures(faults, tally, listener, serverFigures, before, after, elapsedNanos, handlesZeroNanos);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(tally.lost()).as("transfers never completed").isEmpty();
        soft.assertThat(tally.duplicates()).as("transfers completed more than once").isEmpty();
        soft.assertThat(listener.lost()).as("transfers the listener never saw end").isEmpty();
        soft.assertThat(listener.duplicates()).as("transfers the listener saw end more than once").isEmpty();
        soft.assertThat(tally.wrongOutcomes()).as("transfers whose outcome their fault does not imply").isEmpty();
        soft.assertThat(listener.done()).as("listener transferDone = harness OK").isEqualTo(tally.count(FetchError.OK));
        soft.assertThat(listener.failedByError()).as("listener transferFailed by error = harness failures by error")
                .isEqualTo(tally.failuresByError());
        soft.assertThat(after.fds()).as("open descriptors after: %s", OpenFiles.targets())
                .isBetween(before.fds() - 2, before.fds() + 2);
        soft.assertThat(before.newThreadsAlive()).as("threads started by the soak still alive").isEmpty();
        soft.assertThat(after.heapBytes()).as("heap used after GC").isLessThanOrEqualTo(before.heapBytes() + 32 * MIB);
        soft.assertAll();
    }

    /**
     * A GET of {@code url}. The client does not know the fault, but its limits must let the fault
     * show: a stall ends only at a read timeout, a drip only at a deadline, so those two get short
     * ones and every other transfer long ones.
     */
    private static FetchRequest request(String url, Fault fault) {
        FetchRequest.Builder request = FetchRequest.builder(url).readTimeout(PATIENT_READ).timeout(PATIENT_TOTAL);
        switch (fault) {
            case STALL_AT_START, STALL_BEFORE_BODY, STALL_MID_BODY -> request.readTimeout(STALL_READ);
            case DRIP -> request.timeout(DRIP_TOTAL);
            default -> { }
        }
        return request.build();
    }

    private static void take(Semaphore slots, int permits) throws InterruptedException {
        if (!slots.tryAcquire(permits, STUCK.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no transfer completed for " + STUCK + "; " + (IN_FLIGHT - slots.availablePermits())
                    + " in flight");
        }
    }

    /** Polls {@code condition} every 10 ms for up to {@code limit}; whether it came true. */
    private static boolean waitUntil(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private static String serverFigures(FaultServer server) {
        String injected = Arrays.stream(Fault.values()).filter(f -> server.injected(f) > 0)
                .map(f -> f + "=" + server.injected(f)).collect(Collectors.joining(" "));
        return String.format("accepted %d connections (at most %d open at once), read %d requests (%d pipelined); "
                + "injected %s", server.accepted(), server.peakOpenConnections(), server.requests(), server.pipelined(),
                injected);
    }

    private static void printFigures(Fault[] faults, Tally tally, CountingListener listener, String serverFigures,
            Resources before, Resources after, long elapsedNanos, long handlesZeroNanos) {
        Map<Fault, Long> chosen = Arrays.stream(faults)
                .collect(Collectors.groupingBy(f -> f, () -> new EnumMap<>(Fault.class), Collectors.counting()));
        long ms = TimeUnit.NANOSECONDS.toMillis(elapsedNanos);
        System.out.printf("soak: %d transfers, %d in flight, %.0f%% faults, seed %d: %d ms (%d transfers/s)%n",
                TRANSFERS, IN_FLIGHT, FAULT_SHARE * 100, SEED, ms, TRANSFERS * 1000L / Math.max(1, ms));
        System.out.printf("soak: faults by kind: %s%n", chosen);
        System.out.printf("soak: server: %s%n", serverFigures);
        System.out.printf("soak: completions %d, outcomes %s; lost %d, duplicates %d, wrong outcome %d %s%n",
                tally.completions(), tally.outcomes(), tally.lost().size(), tally.duplicates().size(),
                tally.wrongOutcomes().size(), tally.wrongOutcomes().stream().limit(5).toList());
        System.out.printf("soak: engine listener: transferDone %d, transferFailed %s; lost %d, duplicates %d%n",
                listener.done(), listener.failedByError(), listener.lost().size(), listener.duplicates().size());
        System.out.printf("soak: running handles 0 %d ms after the last completion%n",
                TimeUnit.NANOSECONDS.toMillis(handlesZeroNanos));
        System.out.printf("soak: descriptors %d -> %d; threads %d -> %d (new still alive: %s); heap after GC %d -> %d MiB%n",
                before.fds(), after.fds(), before.threads().size(), after.threads().size(), before.newThreadsAlive(),
                before.heapBytes() / MIB, after.heapBytes() / MIB);
    }

    /** What the process holds: descriptors, live threads, heap used after a full GC. */
    private record Resources(int fds, Set<Thread> threads, long heapBytes) {

        static Resources measure() {
            System.gc();
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            return new Resources(OpenFiles.count(), liveThreads(), heap);
        }

        /** Names of live threads that were not alive when this was measured. */
        List<String> newThreadsAlive() {
            return liveThreads().stream().filter(t -> !threads.contains(t)).map(Thread::getName).sorted().toList();
        }

        private static Set<Thread> liveThreads() {
            return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
        }
    }

    /** The harness's own count: completions and outcome per transfer id. Thread-safe. */
    private static final class Tally {

        private final Fault[] faults;
        private final FaultServer server;
        private final AtomicIntegerArray completions;
        private final FetchError[] outcome;
        private final List<String> wrong = new ArrayList<>();

        Tally(Fault[] faults, FaultServer server) {
            this.faults = faults;
            this.server = server;
            this.completions = new AtomicIntegerArray(faults.length);
            this.outcome = new FetchError[faults.length];
        }

        void complete(int id, FetchResponse response, Throwable failure) {
            completions.incrementAndGet(id);
            FetchError error = response != null ? checkedBody(id, response) : errorOf(id, failure);
            synchronized (this) {
                outcome[id] = error;
                if (error != null && !EXPECTED.get(faults[id]).contains(error)) {
                    wrong.add("#" + id + " " + faults[id] + " -> " + (failure != null ? failure.getMessage() : error)
                            + " (requests read: " + server.requestsFor(id) + ")");
                }
            }
        }

        /** OK if the body is the one the server sends for {@code id}; null (a wrong outcome) otherwise. */
        private FetchError checkedBody(int id, FetchResponse response) {
            byte[] expected = FaultServer.body(id);
            if (response.status() == 200 && response.body().length == expected.length
                    && crc(response.body()) == crc(expected)) {
                return FetchError.OK;
            }
            record("#" + id + " " + faults[id] + " -> status " + response.status() + ", " + response.body().length
                    + " body bytes, expected " + expected.length);
            return null;
        }

        private FetchError errorOf(int id, Throwable failure) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof FetchException fetch) {
                return fetch.error();
            }
            record("#" + id + " " + faults[id] + " -> not a FetchException: " + cause);
            return null;
        }

        private synchronized void record(String what) {
            wrong.add(what);
        }

        synchronized List<String> wrongOutcomes() {
            return List.copyOf(wrong);
        }

        int completions() {
            int total = 0;
            for (int i = 0; i < completions.length(); i++) {
                total += completions.get(i);
            }
            return total;
        }

        List<Integer> lost() {
            return ids(n -> n == 0);
        }

        List<Integer> duplicates() {
            return ids(n -> n > 1);
        }

        private List<Integer> ids(java.util.function.IntPredicate test) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < completions.length(); i++) {
                if (test.test(completions.get(i))) {
                    ids.add(i);
                }
            }
            return ids;
        }

        synchronized Map<FetchError, Long> outcomes() {
            return Arrays.stream(outcome).filter(e -> e != null)
                    .collect(Collectors.groupingBy(e -> e, () -> new EnumMap<>(FetchError.class), Collectors.counting()));
        }

        long count(FetchError error) {
            return outcomes().getOrDefault(error, 0L);
        }

        Map<FetchError, Long> failuresByError() {
            Map<FetchError, Long> failures = outcomes();
            failures.remove(FetchError.OK);
            return failures;
        }

        private static long crc(byte[] bytes) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            return crc.getValue();
        }
    }

    /** The engine's own count, heard through its listener: ends per transfer id, failures by error. */
    private static final class CountingListener implements FetchListener {

        private final AtomicIntegerArray ends;
        private final LongAdder done = new LongAdder();
        private final Map<FetchError, LongAdder> failed = new ConcurrentHashMap<>();

        CountingListener(int transfers) {
            this.ends = new AtomicIntegerArray(transfers);
        }

        @Override
        public void transferDone(Transfer transfer, FetchResponse response) {
            done.increment();
            ends.incrementAndGet(id(transfer));
        }

        @Override
        public void transferFailed(Transfer transfer, FetchException failure) {
            failed.computeIfAbsent(failure.error(), e -> new LongAdder()).increment();
            ends.incrementAndGet(id(transfer));
        }

        private static int id(Transfer transfer) {
            String url = transfer.request().url();
            return Integer.parseInt(url.substring(url.lastIndexOf('/') + 1));
        }

        long done() {
            return done.sum();
        }

        Map<FetchError, Long> failedByError() {
            Map<FetchError, Long> byError = new EnumMap<>(FetchError.class);
            failed.forEach((error, n) -> byError.put(error, n.sum()));
            return byError;
        }

        List<Integer> lost() {
            return ids(0);
        }

        List<Integer> duplicates() {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < ends.length(); i++) {
                if (ends.get(i) > 1) {
                    ids.add(i);
                }
            }
            return ids;
        }

        private List<Integer> ids(int count) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < ends.length(); i++) {
                if (ends.get(i) == count) {
                    ids.add(i);
                }
            }
            return ids;
        }
    }
}
