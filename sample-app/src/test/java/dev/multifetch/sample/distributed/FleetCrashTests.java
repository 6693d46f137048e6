package dev.multifetch.sample.distributed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.multifetch.autoconfigure.kafka.JobCodec;
import dev.multifetch.autoconfigure.kafka.JobResult;
import dev.multifetch.autoconfigure.kafka.testing.RecordingServer;
import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import dev.multifetch.sample.SampleClient;
import dev.multifetch.sample.fetch.FetchResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker killed outright (SIGKILL) in the middle of a batch: three worker JVMs, 600 jobs over 30
 * hosts (one connection per host, 50 to 300 ms a response), one worker killed once 30% of the
 * results are in. Every job gets a result, exactly 600 distinct job ids are on the results topic,
 * the REST stream has each index once, the duplicates are at most what the killed worker held
 * uncommitted, and the batch is done within 60 s of the kill (the group notices after
 * session.timeout.ms, 6 s here).
 *
 * <p>Starting three app JVMs takes 15 to 20 s of the 2-core CI box and the run about 45 s, so it
 * runs on request: {@code mvn -B -o test -pl sample-app -Dtest=FleetCrashTests -Dmultifetch.crash=true}.
 */
@Timeout(180)
@EnabledIfSystemProperty(named = "multifetch.crash", matches = "true")
class FleetCrashTests {

    private static final int JOBS = 600;
    private static final int HOSTS = 30;

    @Test
    void whenAWorkerIsKilledMidBatchThenEveryJobHasAResultAndTheStreamHasEachIndexOnce() throws Exception {
        SharedKafka.Names names = SharedKafka.names("crash");
        List<Child> workers = new ArrayList<>();
        try (RecordingServer server = new RecordingServer();
                ConfigurableApplicationContext api = Fleet.start(names, "api", "multifetch.kafka.jobs-partitions=12")) {
            for (int i = 0; i < 3; i++) {
                workers.add(Child.start(names, i));
            }
            long started = System.nanoTime();
            for (Child worker : workers) {
                worker.awaitOwning(Duration.ofSeconds(90));
            }
            System.out.printf("FleetCrashTests: 3 worker JVMs up and owning partitions in %d ms%n", millisSince(started));
            SampleClient client = new SampleClient(Fleet.port(api), api.getBean(JsonMapper.class));
            JsonMapper json = api.getBean(JsonMapper.class);
            HttpResponse<Stream<String>> answer = client.postLines("/api/batch", batch(server));
            assertThat(answer.statusCode()).isEqualTo(200);
            List<Integer> indexes = new ArrayList<>();
            Child killed = null;
            String killedState = null;
            long killedAt = 0;
            try (Stream<String> lines = answer.body()) {
                Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.isBlank()) {
                        // the answer's keep-alive spaces (CallWatch), JSON whitespace, after the last line
                        continue;
                    }
                    indexes.add(json.readValue(line, FetchResult.class).index());
                    if (killed == null && indexes.size() >= JOBS * 3 / 10) {
                        killed = workers.stream().max(java.util.Comparator.comparingInt(Child::uncommitted)).orElseThrow();
                        killedState = killed.lastStates();
                        killed.process.destroyForcibly();
                        killedAt = System.nanoTime();
                    }
                }
            }
            long doneMs = millisSince(killedAt);
            int bound = killed.uncommittedBound();
            assertThat(indexes).as("the REST stream").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, JOBS).boxed().toList());
            List<JobResult> results = results(names.results());
            Set<String> jobIds = results.stream().map(JobResult::jobId).collect(Collectors.toSet());
            int duplicates = results.size() - jobIds.size();
            System.out.printf("FleetCrashTests: killed a worker at %d results holding %s; done %d ms after the kill;"
                    + " %d results for %d distinct jobs: %d duplicates (bound %d)%n", JOBS * 3 / 10, killedState, doneMs,
                    results.size(), jobIds.size(), duplicates, bound);
            assertThat(jobIds).hasSize(JOBS);
            assertThat(duplicates).isLessThanOrEqualTo(bound);
            assertThat(doneMs).isLessThan(60_000);
        } finally {
            workers.forEach((worker) -> worker.process.destroyForcibly());
        }
    }

    private static String batch(RecordingServer server) {
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            requests.add("{\"url\": \"" + server.url("host" + (i % HOSTS) + ".test", 50 + (i * 37) % 251) + "?i=" + i + "\"}");
        }
        return "{\"requests\": [" + String.join(", ", requests) + "]}";
    }

    /** Every record of the results topic. */
    private static List<JobResult> results(String topic) throws Exception {
        JobCodec codec = new JobCodec();
        List<JobResult> results = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(java.util.Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map((info) -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            java.util.Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch((p) -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    results.add(codec.readResult(record.value()));
                }
            }
        }
        return results;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** A worker JVM and the state lines it prints. */
    private static final class Child {

        final Process process;
        private final List<String> states = new ArrayList<>();
        private final AtomicReference<String> last = new AtomicReference<>("state owned=0 inflight=0 uncommitted=0");

        private Child(Process process) {
            this.process = process;
            Thread reader = new Thread(this::readStates, "fleet-worker-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(SharedKafka.Names names, int n) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    FleetWorker.class.getName()));
            command.addAll(Fleet.arguments(names, "worker", "multifetch.kafka.jobs-partitions=12",
                    "multifetch.max-host-connections=1", "logging.level.root=WARN", "spring.application.name=fleet-worker-" + n));
            return new Child(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        private void readStates() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("state ")) {
                        synchronized (this.states) {
                            this.states.add(line);
                        }
                        this.last.set(line);
                    } else if (line.contains("ERROR") || line.contains("Exception")) {
                        System.out.println("worker " + this.process.pid() + ": " + line);
                    }
                }
            } catch (IOException ex) {
                // killed
            }
        }

        void awaitOwning(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (field(this.last.get(), "owned") == 0) {
                if (!this.process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("worker " + this.process.pid() + " owns no partition: " + this.last.get());
                }
                Thread.sleep(50);
            }
        }

        int uncommitted() {
            return field(this.last.get(), "uncommitted");
        }

        /** Its last two state lines: what it held when it was killed. */
        String lastStates() {
            synchronized (this.states) {
                return String.join(" / ", this.states.subList(Math.max(0, this.states.size() - 2), this.states.size()));
            }
        }

        /** The most jobs it held uncommitted in its last two reports (20 ms apart) before the kill. */
        int uncommittedBound() {
            synchronized (this.states) {
                return this.states.subList(Math.max(0, this.states.size() - 2), this.states.size()).stream()
                    .mapToInt((line) -> field(line, "uncommitted")).max().orElse(0);
            }
        }

        private static int field(String line, String name) {
            for (String part : line.split(" ")) {
                if (part.startsWith(name + "=")) {
                    return Integer.parseInt(part.substring(name.length() + 1));
                }
            }
            throw new IllegalArgumentException(line);
        }
    }

}
