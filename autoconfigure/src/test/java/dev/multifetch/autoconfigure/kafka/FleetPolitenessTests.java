package dev.multifetch.autoconfigure.kafka;

import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import dev.multifetch.autoconfigure.kafka.testing.RecordingServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.multifetch.autoconfigure.kafka.testing.RecordingServer.Hit;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Politeness across a fleet: a host's jobs all land in one partition, so one worker at a time
 * fetches it, and the engine's per-host limits hold fleet-wide, also while a worker joins.
 */
@Timeout(90)
class FleetPolitenessTests {

    /** The engine's timer may start a request this much before the interval is up (scheduling granularity). */
    private static final long TOLERANCE_MS = 5;

    @Test
    void whenJobsOfManyHostsAreSubmittedThenEveryHostIsInExactlyOnePartition() throws Exception {
        SharedKafka.Names names = SharedKafka.names("partitioning");
        try (ConfigurableApplicationContext api = WorkerContexts.start(with(names, "multifetch.kafka.worker-enabled=false",
                "multifetch.kafka.jobs-partitions=12"))) {
            JobSubmitter submitter = api.getBean(JobSubmitter.class);
            List<JsonNode> requests = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                String host = ((i % 2 == 0) ? "H" : "h") + (i % 200) + ".Example.test" + ((i % 3 == 0) ? ":8443" : "");
                requests.add(JsonNodeFactory.instance.objectNode().put("url", "https://" + host + "/" + i));
            }
            submitter.submit(requests, Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> jobs = WorkerContexts.readAll(names.jobs(), Duration.ofSeconds(30),
                    (records) -> records.size() >= 2_000);
            Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
            jobs.forEach((job) -> partitionsByKey.computeIfAbsent(new String(job.key(), StandardCharsets.UTF_8),
                    (key) -> new TreeSet<>()).add(job.partition()));
            assertThat(jobs).hasSize(2_000);
            assertThat(partitionsByKey).hasSize(200).allSatisfy((key, partitions) -> assertThat(partitions).hasSize(1));
            assertThat(partitionsByKey.values().stream().flatMap(Set::stream).distinct().count()).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void whenTwoWorkersShareHostsAndOneJoinsMidRunThenNoHostIsHitConcurrentlyOrFasterThanItsIntervalAndNothingIsLost()
            throws Exception {
        SharedKafka.Names names = SharedKafka.names("fleet");
        String[] worker = with(names, "test.max-host-connections=1", "test.min-interval=100", "multifetch.kafka.jobs-partitions=6",
                "multifetch.kafka.handoff-delay=100ms");
        int hosts = 6;
        try (RecordingServer server = new RecordingServer();
                ConfigurableApplicationContext first = WorkerContexts.start(worker)) {
            JobSubmitter submitter = first.getBean(JobSubmitter.class);
            submitter.submit(requests(server, hosts, 20), Duration.ofSeconds(30));
            WorkerContexts.await(Duration.ofSeconds(30), () -> server.hits().size() >= hosts * 3);
            List<JobResult> results;
            try (ConfigurableApplicationContext second = WorkerContexts.start(worker)) {
                MeterRegistry joined = second.getBean(MeterRegistry.class);
                WorkerContexts.await(Duration.ofSeconds(30),
                        () -> joined.get(KafkaJobMetrics.REBALANCES).tag("type", "assigned").counter().count() > 0);
                submitter.submit(requests(server, hosts, 10), Duration.ofSeconds(30));
                results = WorkerContexts.results(names.results(), hosts * 30, Duration.ofSeconds(60));
                assertThat(joined.get(KafkaJobMetrics.COMPLETED).counters())
                    .as("the joining worker took part").anySatisfy((counter) -> assertThat(counter.count()).isPositive());
            }
            assertThat(results.stream().map(JobResult::jobId).collect(Collectors.toSet())).hasSize(hosts * 30);
            System.out.printf("FleetPolitenessTests: %d results for %d jobs after a worker joined mid-run%n", results.size(),
                    hosts * 30);
            assertThat(results).allSatisfy((result) -> assertThat(result.outcome()).isEqualTo(JobOutcome.Kind.SUCCESS));
            Map<String, List<Hit>> byHost = server.hitsByHost();
            assertThat(byHost).hasSize(hosts);
            byHost.forEach(FleetPolitenessTests::assertPolite);
            assertThat(first.getBean(MeterRegistry.class).get(KafkaJobMetrics.REBALANCES).tag("type", "revoked").counter().count())
                .as("the first worker handed partitions over").isPositive();
        }
    }

    /**
     * Never two requests at once. A request on another connection than the one before it (another
     * worker after a handoff) never sooner than the interval after it. On one connection (one
     * worker's engine) the host is never hit faster than the interval on average: single gaps there
     * can be shorter, because the engine paces a transfer when it asks for a connection, not when it
     * sends, so a first request slowed by its connect, or one queued behind a slower response,
     * arrives late and the next, paced from its start, closer (an engine effect, the same with one
     * worker: see the README).
     */
    private static void assertPolite(String host, List<Hit> hits) {
        int runStart = 0;
        for (int i = 1; i <= hits.size(); i++) {
            if (i == hits.size() || hits.get(i).clientPort() != hits.get(i - 1).clientPort()) {
                long spanMs = (hits.get(i - 1).startNanos() - hits.get(runStart).startNanos()) / 1_000_000;
                assertThat(spanMs).as("%s mean gap of requests %d..%d: %s", host, runStart, i - 1, hits)
                    .isGreaterThanOrEqualTo((100 - TOLERANCE_MS) * (i - 1 - runStart));
                runStart = i;
            }
            if (i == hits.size()) {
                break;
            }
            Hit before = hits.get(i - 1);
            Hit after = hits.get(i);
            assertThat(after.startNanos()).as("%s request %d starts after %d ended: %s", host, i, i - 1, hits)
                .isGreaterThanOrEqualTo(before.endNanos());
            if (before.clientPort() != after.clientPort()) {
                assertThat((after.startNanos() - before.startNanos()) / 1_000_000).as("%s gap at handoff %d: %s", host, i, hits)
                    .isGreaterThanOrEqualTo(100 - TOLERANCE_MS);
            }
        }
    }

    private static List<JsonNode> requests(RecordingServer server, int hosts, int perHost) {
        List<JsonNode> requests = new ArrayList<>();
        for (int i = 0; i < hosts * perHost; i++) {
            requests.add(JsonNodeFactory.instance.objectNode().put("url", server.url("h" + (i % hosts) + ".test", 20) + "?i=" + i));
        }
        return requests;
    }

    static String[] with(SharedKafka.Names names, String... more) {
        List<String> all = new ArrayList<>(List.of(names.properties()));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
