package dev.multifetch.autoconfigure.kafka;

import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import dev.multifetch.autoconfigure.kafka.testing.RecordingServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failure classes: a target that fails is a result; a result the broker will not take keeps its
 * job's offset uncommitted until it does, then (after send-attempts) goes to the dead-letter topic
 * with the job; an undecodable record goes there at once, in its own partition.
 */
@Timeout(60)
class WorkerFailureTests {

    private static final String TINY_RECORDS = "max.message.bytes";

    @Test
    void whenTargetsFailThenEachIsAResultAndNothingIsADeadLetter() throws Exception {
        SharedKafka.Names names = SharedKafka.names("failing-targets");
        try (RecordingServer server = new RecordingServer();
                ConfigurableApplicationContext worker = WorkerContexts.start(names.properties())) {
            int closedPort = server.port() == 65535 ? 65534 : server.port() + 1;
            List<JsonNode> requests = List.of(url("http://a.test:" + server.port() + "/status/503"),
                    url(server.url("b.test", 3_000)).put("timeoutMs", 200), url("ftp://c.test/file"),
                    url("http://d.test:" + closedPort + "/"), url(server.url("e.test", 0)));
            worker.getBean(JobSubmitter.class).submit(requests, Duration.ofSeconds(30));
            Map<Integer, JobResult> results = WorkerContexts.results(names.results(), 5, Duration.ofSeconds(30)).stream()
                .collect(Collectors.toMap(JobResult::index, (result) -> result));
            assertThat(results).hasSize(5);
            assertThat(results.get(0).outcome()).isEqualTo(JobOutcome.Kind.HTTP_ERROR);
            assertThat(results.get(0).result().get("status").asInt()).isEqualTo(503);
            assertThat(results.get(1).outcome()).isEqualTo(JobOutcome.Kind.FETCH_ERROR);
            assertThat(results.get(1).result().get("error").get("code").asString()).isEqualTo("OPERATION_TIMEDOUT");
            assertThat(results.get(2).outcome()).isEqualTo(JobOutcome.Kind.INVALID);
            assertThat(results.get(3).result().get("error").get("code").asString()).isEqualTo("COULDNT_CONNECT");
            assertThat(results.get(4).outcome()).isEqualTo(JobOutcome.Kind.SUCCESS);
            assertThat(worker.getBean(MeterRegistry.class).get(KafkaJobMetrics.DEAD_LETTERS).counters())
                .allSatisfy((counter) -> assertThat(counter.count()).isZero());
        }
    }

    @Test
    void whenTheResultCannotBePublishedThenTheOffsetStaysUncommittedUntilItIs() throws Exception {
        SharedKafka.Names names = SharedKafka.names("unpublishable-for-now");
        try (Admin admin = SharedKafka.admin(); RecordingServer server = new RecordingServer()) {
            try (ConfigurableApplicationContext worker = oneJobWithTinyResults(admin, names, server, 30, 1)) {
                MeterRegistry meters = worker.getBean(MeterRegistry.class);
                WorkerContexts.await(Duration.ofSeconds(20), () -> meters.get(KafkaJobMetrics.SEND_RETRIES).counter().count() >= 3);
                // a negative: let the consumer's loop, which commits what was acknowledged before each
                // fetch, go round twice more (seen in its own fetch counter) to commit what it must not
                double fetches = fetchTotal(meters);
                WorkerContexts.await(Duration.ofSeconds(20), () -> fetchTotal(meters) >= fetches + 2);
                assertThat(committed(admin, names)).as("committed while the result is not published").isEmpty();
                assertThat(worker.getBean(JobWorker.class).uncommitted()).isEqualTo(1);
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, names.results()),
                        List.of(new AlterConfigOp(new ConfigEntry(TINY_RECORDS, "1048576"), AlterConfigOp.OpType.SET))))
                    .all().get();
                assertThat(WorkerContexts.results(names.results(), 1, Duration.ofSeconds(20))).hasSize(1);
                WorkerContexts.await(Duration.ofSeconds(10), () -> committed(admin, names).equals(Map.of(0, 1L)));
                assertThat(server.hits()).as("the result is published again, the target is not fetched again").hasSize(1);
            }
        }
    }

    @Test
    void whenTheResultCanNeverBePublishedThenTheJobGoesToTheDeadLetterTopicAndIsCommitted() throws Exception {
        SharedKafka.Names names = SharedKafka.names("unpublishable");
        try (Admin admin = SharedKafka.admin(); RecordingServer server = new RecordingServer()) {
            try (ConfigurableApplicationContext worker = oneJobWithTinyResults(admin, names, server, 2, 3)) {
                ConsumerRecord<byte[], byte[]> letter = deadLetters(names, 1).get(0);
                int jobPartition = JobRouting.partition("a.test", 3);
                assertThat(letter.partition()).isEqualTo(jobPartition);
                assertThat(header(letter, KafkaHeaders.DLT_EXCEPTION_FQCN)).contains("RecordTooLargeException");
                assertThat(new String(letter.value(), StandardCharsets.UTF_8)).contains("\"url\":\"" + server.url("a.test", 0));
                WorkerContexts.await(Duration.ofSeconds(10), () -> committed(admin, names).equals(Map.of(jobPartition, 1L)));
                assertThat(worker.getBean(MeterRegistry.class).get(KafkaJobMetrics.DEAD_LETTERS).tag("reason", "unpublishable")
                    .counter().count()).isEqualTo(1);
            }
        }
    }

    @Test
    void whenARecordIsUndecodableThenItGoesStraightToTheDeadLetterTopicInItsPartition() throws Exception {
        SharedKafka.Names names = SharedKafka.names("undecodable");
        try (Admin admin = SharedKafka.admin();
                ConfigurableApplicationContext worker = WorkerContexts.start(with(names, "multifetch.kafka.jobs-partitions=3"));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(names.jobs(), 2, "x.test".getBytes(StandardCharsets.UTF_8),
                    "{not json".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(names.jobs(), 2, null, "{\"v\":1,\"jobId\":\"j\"}".getBytes(StandardCharsets.UTF_8)))
                .get();
            List<ConsumerRecord<byte[], byte[]>> letters = deadLetters(names, 2);
            assertThat(letters).allSatisfy((letter) -> {
                assertThat(letter.partition()).isEqualTo(2);
                assertThat(header(letter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(names.jobs());
                assertThat(header(letter, KafkaHeaders.DLT_EXCEPTION_FQCN)).endsWith("UndecodableJobException");
            });
            assertThat(letters.stream().map((letter) -> ByteBuffer.wrap(letter.headers()
                .lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET).value()).getLong())).containsExactlyInAnyOrder(0L, 1L);
            assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            WorkerContexts.await(Duration.ofSeconds(10), () -> committed(admin, names).equals(Map.of(2, 2L)));
            assertThat(worker.getBean(MeterRegistry.class).get(KafkaJobMetrics.SEND_RETRIES).counter().count()).isZero();
        }
    }

    /** A worker whose results topic takes no result (100-byte records at most), given one job of a.test. */
    private static ConfigurableApplicationContext oneJobWithTinyResults(Admin admin, SharedKafka.Names names,
            RecordingServer server, int sendAttempts, int jobsPartitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(names.results(), 2, (short) 1).configs(Map.of(TINY_RECORDS, "100"))))
            .all().get();
        ConfigurableApplicationContext worker = WorkerContexts.start(with(names, "multifetch.kafka.send-attempts=" + sendAttempts,
                "multifetch.kafka.send-backoff=50ms", "multifetch.kafka.jobs-partitions=" + jobsPartitions));
        worker.getBean(JobSubmitter.class).submit(List.of(url(server.url("a.test", 0))), Duration.ofSeconds(30));
        return worker;
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(SharedKafka.Names names, int count) {
        List<ConsumerRecord<byte[], byte[]>> letters = WorkerContexts.readAll(names.deadLetters(), Duration.ofSeconds(30),
                (records) -> records.size() >= count);
        assertThat(letters).hasSize(count);
        return letters;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** The group's committed offsets of the jobs topic, by partition. */
    static Map<Integer, Long> committed(Admin admin, SharedKafka.Names names) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(names.group())
                .partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter((entry) -> entry.getValue() != null && entry.getValue().offset() > 0)
                .collect(Collectors.toMap((entry) -> entry.getKey().partition(), (entry) -> entry.getValue().offset()));
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    private static tools.jackson.databind.node.ObjectNode url(String url) {
        return JsonNodeFactory.instance.objectNode().put("url", url);
    }

    private static String[] with(SharedKafka.Names names, String... more) {
        return FleetPolitenessTests.with(names, more);
    }


    /** The fetch requests of the worker's consumer so far, from Kafka's own client meters. */
    private static double fetchTotal(MeterRegistry meters) {
        return meters.find("kafka.consumer.fetch.manager.fetch.total").functionCounters().stream()
            .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum();
    }
}
