package dev.multifetch.autoconfigure.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.multifetch.autoconfigure.kafka.testing.RecordingServer;
import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partition revoked while its jobs run: the worker waits drain-timeout for them, then cancels
 * them and lets the partition go (it does not wait out a slow host); the next owner redoes them
 * from the last commit, so every job still gets a result.
 */
@Timeout(60)
class RebalanceTests {

    @Test
    void whenAPartitionIsRevokedWhileItsJobsRunThenTheyAreCancelledWithinTheDrainTimeoutAndRedoneByTheNextOwner()
            throws Exception {
        SharedKafka.Names names = SharedKafka.names("revoked");
        String[] worker = FleetPolitenessTests.with(names, "multifetch.kafka.jobs-partitions=4", "multifetch.kafka.drain-timeout=300ms");
        try (RecordingServer server = new RecordingServer();
                ConfigurableApplicationContext first = WorkerContexts.start(worker)) {
            List<JsonNode> requests = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                // every partition holds slow jobs: whichever the first worker gives up, they are running
                requests.add(JsonNodeFactory.instance.objectNode().put("url", server.url("s" + i + ".test", 3_000))
                    .put("timeoutMs", 20_000));
            }
            first.getBean(JobSubmitter.class).submit(requests, Duration.ofSeconds(30));
            JobWorker firstWorker = first.getBean(JobWorker.class);
            WorkerContexts.await(Duration.ofSeconds(20), () -> firstWorker.inFlight() == 12);
            long joined = System.nanoTime();
            try (ConfigurableApplicationContext second = WorkerContexts.start(worker)) {
                MeterRegistry meters = second.getBean(MeterRegistry.class);
                WorkerContexts.await(Duration.ofSeconds(20),
                        () -> meters.get(KafkaJobMetrics.REBALANCES).tag("type", "assigned").counter().count() > 0);
                long handoverMs = (System.nanoTime() - joined) / 1_000_000;
                assertThat(handoverMs).as("the jobs take 3 s; the handover waits 300 ms for them").isLessThan(2_900);
                List<JobResult> results = WorkerContexts.results(names.results(), 12, Duration.ofSeconds(30));
                assertThat(results.stream().map(JobResult::jobId).collect(Collectors.toSet())).hasSize(12);
                assertThat(results).as("a cancelled job publishes nothing: one result per job").hasSize(12);
                assertThat(meters.get(KafkaJobMetrics.COMPLETED).tag("outcome", "success").counter().count())
                    .as("the second worker redid the cancelled jobs").isPositive();
            }
        }
    }
}
