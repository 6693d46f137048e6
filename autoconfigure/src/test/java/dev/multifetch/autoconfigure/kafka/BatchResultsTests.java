package dev.multifetch.autoconfigure.kafka;

import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import dev.multifetch.autoconfigure.kafka.testing.RecordingServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a batch's results: in log order, each job once, and resumable on another instance
 * after any number of results with no gap and no repeat, from nothing but the batch id.
 */
@Timeout(60)
class BatchResultsTests {

    @Test
    void whenAStreamStopsAfterKResultsThenAnotherInstanceReadsTheRestWithNoGapAndNoRepeat() throws Exception {
        SharedKafka.Names names = SharedKafka.names("resume");
        int size = 40;
        int k = 13;
        try (RecordingServer server = new RecordingServer();
                ConfigurableApplicationContext a = WorkerContexts.start(FleetPolitenessTests.with(names,
                        "multifetch.kafka.results-partitions=3"));
                ConfigurableApplicationContext b = WorkerContexts.start(FleetPolitenessTests.with(names,
                        "multifetch.kafka.worker-enabled=false"))) {
            List<JsonNode> requests = new ArrayList<>();
            for (int i = 0; i < size - 1; i++) {
                requests.add(JsonNodeFactory.instance.objectNode().put("url", server.url("h" + (i % 7) + ".test", i % 5 * 10)));
            }
            // the batch ends after the duplicate below is in the log
            requests.add(JsonNodeFactory.instance.objectNode().put("url", server.url("slow.test", 2_000)));
            JobSubmitter.SubmittedBatch batch = a.getBean(JobSubmitter.class).submit(requests, Duration.ofSeconds(30));
            List<Integer> first = read(a.getBean(BatchResults.class), batch.batchId(), OptionalLong.of(batch.resultsStart()), 0, k);
            assertThat(first).hasSize(k);
            duplicate(names, batch.batchId());
            List<Integer> rest = read(b.getBean(BatchResults.class), batch.batchId(), OptionalLong.empty(), k, size);
            List<Integer> all = new ArrayList<>(first);
            all.addAll(rest);
            assertThat(all).doesNotHaveDuplicates().hasSize(size);
            List<Integer> whole = read(b.getBean(BatchResults.class), batch.batchId(), OptionalLong.empty(), 0, size);
            assertThat(all).as("the order of the log, whoever reads it").isEqualTo(whole);
            assertThat(b.getBean(MeterRegistry.class).get(KafkaJobMetrics.DUPLICATES).counter().count()).isPositive();
        }
    }

    @Test
    void whenABatchIdIsNotOneThenItHasNoSubmissionTime() {
        assertThat(BatchIds.submittedAt(BatchIds.next(1_733_222_400_000L))).hasValue(1_733_222_400_000L);
        assertThat(BatchIds.submittedAt("b12-xyz")).isEmpty();
        assertThat(BatchIds.submittedAt(null)).isEmpty();
    }

    /** Indexes read, in order, until {@code count} (or the reader's end). */
    private static List<Integer> read(BatchResults results, String batchId, OptionalLong start, int after, int count)
            throws Exception {
        List<Integer> indexes = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<BatchResults.End> end = new CompletableFuture<>();
        results.read(batchId, start, after, Duration.ofSeconds(30), new BatchResults.Listener() {
            @Override
            public boolean onResult(JobResult result) {
                indexes.add(result.index());
                return indexes.size() + after < count;
            }

            @Override
            public void onEnd(BatchResults.End why) {
                end.complete(why);
            }
        });
        end.get(40, TimeUnit.SECONDS);
        return indexes;
    }

    /** Publishes the batch's first result again, as a worker that crashed before committing would. */
    private static void duplicate(SharedKafka.Names names, String batchId) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> results = WorkerContexts.readAll(names.results(), Duration.ofSeconds(10),
                (records) -> records.stream().anyMatch((r) -> new String(r.key(), StandardCharsets.UTF_8).equals(batchId)));
        ConsumerRecord<byte[], byte[]> original = results.stream()
            .filter((r) -> new String(r.key(), StandardCharsets.UTF_8).equals(batchId)).findFirst().orElseThrow();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(names.results(), original.partition(), original.key(), original.value())).get();
        }
    }
}
