package dev.multifetch.autoconfigure.kafka;

import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import dev.multifetch.autoconfigure.kafka.testing.RecordingServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Back-pressure and liveness: the worker pauses its container at max-in-flight-jobs, so jobs in
 * flight never exceed it by more than one poll, and a job slower than max.poll.interval.ms
 * costs no rebalance, because the listener never waits for a job. The numbers (a 15 s job,
 * max.poll.interval.ms=10000) are scaled by 0.3 to keep CI short: a 4.5 s job, 3000 ms.
 */
@Timeout(60)
class BackPressureTests {

    private static final int CAP = 10;
    private static final int POLL = 5;

    @Test
    void whenJobsPileUpThenInFlightStaysUnderCapPlusOnePollAndASlowJobCausesNoRebalance() throws Exception {
        SharedKafka.Names names = SharedKafka.names("back-pressure");
        try (RecordingServer server = new RecordingServer();
                ConfigurableApplicationContext worker = WorkerContexts.start(FleetPolitenessTests.with(names,
                        "multifetch.kafka.max-in-flight-jobs=" + CAP, "multifetch.kafka.max-poll-records=" + POLL,
                        "multifetch.kafka.jobs-partitions=4", "spring.kafka.consumer.properties.max.poll.interval.ms=3000"))) {
            List<JsonNode> requests = new ArrayList<>();
            requests.add(JsonNodeFactory.instance.objectNode().put("url", server.url("slow.test", 4_500)).put("timeoutMs", 10_000));
            for (int i = 0; i < 80; i++) {
                requests.add(JsonNodeFactory.instance.objectNode().put("url", server.url("h" + (i % 40) + ".test", 150)));
            }
            JobWorker jobs = worker.getBean(JobWorker.class);
            AtomicBoolean sawPaused = new AtomicBoolean();
            Thread watcher = new Thread(() -> {
                try {
                    while (!sawPaused.get()) {
                        sawPaused.set(jobs.isPaused());
                        Thread.sleep(1);
                    }
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            watcher.setDaemon(true);
            watcher.start();
            worker.getBean(JobSubmitter.class).submit(requests, Duration.ofSeconds(30));
            List<JobResult> results = WorkerContexts.results(names.results(), requests.size(), Duration.ofSeconds(40));
            watcher.interrupt();
            assertThat(results).hasSize(requests.size());
            assertThat(results).allSatisfy((result) -> assertThat(result.outcome()).isEqualTo(JobOutcome.Kind.SUCCESS));
            assertThat(jobs.peakInFlight()).isGreaterThanOrEqualTo(CAP).isLessThanOrEqualTo(CAP + POLL);
            assertThat(sawPaused).isTrue();
            MeterRegistry meters = worker.getBean(MeterRegistry.class);
            assertThat(meters.get(KafkaJobMetrics.REBALANCES).tag("type", "revoked").counter().count()).isZero();
            assertThat(meters.get(KafkaJobMetrics.REBALANCES).tag("type", "lost").counter().count()).isZero();
            assertThat(meters.get(KafkaJobMetrics.REBALANCES).tag("type", "assigned").counter().count()).isEqualTo(4);
            assertThat(meters.get(KafkaJobMetrics.IN_FLIGHT).gauge().value()).isZero();
            assertThat(meters.get(KafkaJobMetrics.QUEUE_TIME).timer().count()).isEqualTo(requests.size());
            assertThat(meters.getMeters()).as("Kafka's client meters of the worker's consumer and producer")
                .anySatisfy((meter) -> assertThat(meter.getId().getName()).startsWith("kafka.consumer.fetch.manager.records.lag"))
                .anySatisfy((meter) -> assertThat(meter.getId().getName()).startsWith("kafka.producer."));
        }
    }
}
