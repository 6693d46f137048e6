package dev.multifetch.autoconfigure.kafka;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.multifetch.autoconfigure.kafka.testing.RecordingServer;
import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scaling figure: coordination efficiency with the network simulated. A loopback server
 * answers every request after 200 ms, for 64 virtual hosts; each worker's engine runs at most 8
 * transfers (multifetch.max-total-connections=8), so a worker's ideal is 40 jobs/s whatever the
 * machine; 2,000 jobs (after 64 unmeasured), first on one worker, then on two sharing the topic.
 * What it measures is how much of that ideal Kafka's partitioning, the worker and the results path
 * keep, not how fast a network is. Hosts are paced at 250 ms, so the per-host line shows the
 * fleet's per-host rate stays within 4/s. About 90 s:
 * {@code mvn -B -pl autoconfigure test -Dtest=ScalingFigureTests -Dmultifetch.kafka.scaling=true};
 * the figure is printed and written to {@code autoconfigure/target/kafka-scaling.md}.
 */
@EnabledIfSystemProperty(named = "multifetch.kafka.scaling", matches = "true")
@Timeout(300)
class ScalingFigureTests {

    private static final int HOSTS = 64;
    private static final int JOBS = 2_000;
    private static final long DELAY_MS = 200;
    private static final long INTERVAL_MS = 250;

    @Test
    void whenASecondWorkerSharesTheJobsThenThroughputNearlyDoubles() throws Exception {
        Run one = run(1);
        Run two = run(2);
        double ratio = two.jobsPerSecond() / one.jobsPerSecond();
        String report = String.format("## Kafka scale-out: coordination efficiency with the network simulated%n%n"
                + "64 virtual hosts answering after %d ms, each engine capped at 8 transfers (ideal 40 jobs/s per worker),"
                + " %d jobs, hosts paced at %d ms; workers in one JVM on one in-process broker, %d cores.%n%n"
                + "| workers | jobs/s | of ideal | p50 ms | p99 ms | process CPU | busiest host, req/s |%n|---|---|---|---|---|---|---|%n"
                + "%s%n%s%n%n2 workers / 1 worker: %.2fx%n", DELAY_MS, JOBS, INTERVAL_MS,
                Runtime.getRuntime().availableProcessors(), one.row(), two.row(), ratio);
        System.out.println(report);
        Files.writeString(Path.of("target", "kafka-scaling.md"), report);
        assertThat(one.busiestHostPerSecond()).isLessThanOrEqualTo(1000.0 / INTERVAL_MS + 0.5);
        assertThat(two.busiestHostPerSecond()).isLessThanOrEqualTo(1000.0 / INTERVAL_MS + 0.5);
        assertThat(ratio).isGreaterThanOrEqualTo(1.7);
    }

    private static Run run(int workers) throws Exception {
        SharedKafka.Names names = SharedKafka.names("scaling-" + workers);
        String[] properties = FleetPolitenessTests.with(names, "multifetch.max-total-connections=8",
                "multifetch.kafka.max-in-flight-jobs=64", "test.min-interval=" + INTERVAL_MS, "multifetch.kafka.handoff-delay=250ms");
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        try (RecordingServer server = new RecordingServer()) {
            for (int i = 0; i < workers; i++) {
                contexts.add(WorkerContexts.start(properties));
            }
            WorkerContexts.await(Duration.ofSeconds(60), () -> contexts.stream().allMatch((c) -> owned(c) > 0)
                    && contexts.stream().mapToDouble(ScalingFigureTests::owned).sum() == 24);
            JobSubmitter submitter = contexts.get(0).getBean(JobSubmitter.class);
            BatchResults results = contexts.get(0).getBean(BatchResults.class);
            finish(submitter, results, server, HOSTS, 0);
            int warmHits = server.hits().size();
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            Map<Integer, Long> finished = finish(submitter, results, server, JOBS, t0);
            long wallNanos = System.nanoTime() - t0;
            double cpu = (cpuNanos() - cpu0) / (double) wallNanos / Runtime.getRuntime().availableProcessors();
            List<Long> latencies = finished.values().stream().sorted().toList();
            double busiest = server.hitsByHost().values().stream().mapToDouble((hits) -> perSecond(hits.subList(
                    Math.min(hits.size(), hits.size() - JOBS / HOSTS), hits.size()))).max().orElse(0);
            assertThat(server.hits().size() - warmHits).isGreaterThanOrEqualTo(JOBS);
            return new Run(workers, JOBS / (wallNanos / 1e9), latencies.get(latencies.size() / 2),
                    latencies.get(latencies.size() * 99 / 100), cpu, busiest);
        } finally {
            contexts.forEach(ConfigurableApplicationContext::close);
        }
    }

    /** Submits {@code count} jobs over the hosts and waits for every result: ms from {@code t0} to each. */
    private static Map<Integer, Long> finish(JobSubmitter submitter, BatchResults results, RecordingServer server, int count,
            long t0) throws Exception {
        List<JsonNode> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requests.add(JsonNodeFactory.instance.objectNode().put("url", server.url("h" + (i % HOSTS) + ".test", DELAY_MS)));
        }
        JobSubmitter.SubmittedBatch batch = submitter.submit(requests, Duration.ofSeconds(30));
        Map<Integer, Long> finished = new ConcurrentHashMap<>();
        CompletableFuture<BatchResults.End> end = new CompletableFuture<>();
        results.read(batch.batchId(), OptionalLong.of(batch.resultsStart()), 0, Duration.ofSeconds(200),
                new BatchResults.Listener() {
                    @Override
                    public boolean onResult(JobResult result) {
                        finished.put(result.index(), (System.nanoTime() - t0) / 1_000_000);
                        return true;
                    }

                    @Override
                    public void onEnd(BatchResults.End why) {
                        end.complete(why);
                    }
                });
        assertThat(end.get(220, TimeUnit.SECONDS)).isEqualTo(BatchResults.End.COMPLETE);
        return finished;
    }

    /** A host's request rate over its measured requests: from its first to its last. */
    private static double perSecond(List<RecordingServer.Hit> hits) {
        if (hits.size() < 2) {
            return 0;
        }
        double seconds = (hits.get(hits.size() - 1).startNanos() - hits.get(0).startNanos()) / 1e9;
        return (hits.size() - 1) / seconds;
    }

    private static double owned(ConfigurableApplicationContext context) {
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        return count(meters, "assigned") - count(meters, "revoked") - count(meters, "lost");
    }

    private static double count(MeterRegistry meters, String type) {
        return meters.get(KafkaJobMetrics.REBALANCES).tag("type", type).counter().count();
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private record Run(int workers, double jobsPerSecond, long p50, long p99, double cpu, double busiestHostPerSecond) {

        String row() {
            return String.format("| %d | %.1f | %.0f%% | %d | %d | %.0f%% | %.2f |", this.workers, this.jobsPerSecond,
                    100 * this.jobsPerSecond / (40.0 * this.workers), this.p50, this.p99, 100 * this.cpu, this.busiestHostPerSecond);
        }
    }
}
