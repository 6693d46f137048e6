package dev.multifetch.sample.distributed;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.multifetch.autoconfigure.kafka.BatchResults;
import dev.multifetch.autoconfigure.kafka.JobOutcome;
import dev.multifetch.autoconfigure.kafka.JobResult;
import dev.multifetch.autoconfigure.kafka.JobSubmitter;
import dev.multifetch.autoconfigure.kafka.testing.RecordingServer;
import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import dev.multifetch.sample.SampleClient;
import dev.multifetch.sample.fetch.FetchResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/batch} on Kafka, end to end: an api node (A) takes the batch and a node of
 * role all (B) runs its jobs; the answer is the NDJSON of a local batch, each index once; a stream
 * dropped after k lines is finished by the other node with no gap and no repeat; a job written
 * straight into the topic is checked again by the worker's SSRF guard.
 */
@Timeout(90)
class DistributedBatchTests {

    private static final SharedKafka.Names NAMES = SharedKafka.names("sample");

    private static RecordingServer server;
    private static ConfigurableApplicationContext api;
    private static ConfigurableApplicationContext all;
    private static SampleClient apiClient;
    private static SampleClient allClient;
    private static JsonMapper jsonMapper;

    @BeforeAll
    static void fleet() throws Exception {
        server = new RecordingServer();
        api = Fleet.start(NAMES, "api", "multifetch.sample.distributed.max-jobs-per-host=10");
        all = Fleet.start(NAMES, "all", "multifetch.sample.distributed.max-jobs-per-host=10");
        jsonMapper = api.getBean(JsonMapper.class);
        apiClient = new SampleClient(Fleet.port(api), jsonMapper);
        allClient = new SampleClient(Fleet.port(all), jsonMapper);
    }

    @AfterAll
    static void stop() {
        api.close();
        all.close();
        server.close();
    }

    @Test
    void whenABatchIsPostedToAnApiNodeThenAWorkerRunsItAndEachResultStreamsBackOnce() throws Exception {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            urls.add(server.url("h" + (i % 4) + ".test", (i % 3) * 30) + "?i=" + i);
        }
        urls.add("http://169.254.169.254/latest/meta-data/");
        HttpResponse<Stream<String>> answer = apiClient.postLines("/api/batch", batch(urls));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying((type) -> assertThat(type).startsWith("application/x-ndjson"));
        String batchId = answer.headers().firstValue("X-Batch-Id").orElseThrow();
        assertThat(answer.headers().firstValue("Location")).hasValue("/api/batches/" + batchId + "/results");
        // a line of spaces is the answer's keep-alive (JSON whitespace), not a result
        List<FetchResult> lines = answer.body().filter((line) -> !line.isBlank())
            .map((line) -> jsonMapper.readValue(line, FetchResult.class)).toList();
        assertThat(lines.stream().map(FetchResult::index)).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 12).boxed().toList());
        Map<Integer, FetchResult> byIndex = lines.stream().collect(Collectors.toMap(FetchResult::index, (r) -> r));
        for (int i = 0; i < 11; i++) {
            assertThat(byIndex.get(i).status()).isEqualTo(200);
            assertThat(byIndex.get(i).url()).isEqualTo(urls.get(i));
            assertThat(byIndex.get(i).body()).isEqualTo("ok /delay/" + (i % 3) * 30);
        }
        assertThat(byIndex.get(11).error().code()).isEqualTo(SampleJobHandler.GUARD_REFUSED);
        assertThat(api.getBeansOfType(dev.multifetch.autoconfigure.kafka.JobWorker.class)).as("an api node runs no jobs").isEmpty();
    }

    @Test
    void whenTheCallCarriesATraceparentThenEveryJobOnTheWorkerContinuesThatTrace() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            urls.add(server.url("t" + i + ".test", 0) + "?i=" + i);
        }

        HttpResponse<Stream<String>> answer = apiClient.postLines("/api/batch", batch(urls), "traceparent",
                "00-" + traceId + "-00f067aa0ba902b7-01");

        assertThat(answer.statusCode()).isEqualTo(200);
        List<FetchResult> lines = answer.body().filter((line) -> !line.isBlank())
            .map((line) -> jsonMapper.readValue(line, FetchResult.class)).toList();
        assertThat(lines).hasSize(4).allSatisfy((result) -> {
            assertThat(result.status()).isEqualTo(200);
            assertThat(result.traceId()).as("the trace the worker's fetch continued").isEqualTo(traceId);
        });
    }

    @Test
    void whenAStreamIsDroppedAfterKLinesThenTheOtherNodeStreamsTheRestWithNoGapAndNoRepeat() throws Exception {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            urls.add(server.url("r" + (i % 5) + ".test", 20 + (i % 4) * 40) + "?i=" + i);
        }
        int k = 7;
        List<Integer> indexes = new ArrayList<>();
        String batchId;
        HttpResponse<Stream<String>> first = allClient.postLines("/api/batch", batch(urls));
        batchId = first.headers().firstValue("X-Batch-Id").orElseThrow();
        try (Stream<String> lines = first.body()) {
            Iterator<String> it = lines.iterator();
            while (indexes.size() < k) {
                String line = it.next();
                if (!line.isBlank()) {
                    indexes.add(jsonMapper.readValue(line, FetchResult.class).index());
                }
            }
        }
        HttpResponse<String> rest = apiClient.get("/api/batches/" + batchId + "/results?after=" + k);
        assertThat(rest.statusCode()).isEqualTo(200);
        rest.body().lines().filter((line) -> !line.isBlank())
            .forEach((line) -> indexes.add(jsonMapper.readValue(line, FetchResult.class).index()));
        assertThat(indexes).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 30).boxed().toList());
        HttpResponse<String> whole = apiClient.get("/api/batches/" + batchId + "/results");
        assertThat(whole.body().lines().filter((line) -> !line.isBlank())
            .map((line) -> jsonMapper.readValue(line, FetchResult.class).index()).toList())
            .as("every stream of a batch has its lines in one order").isEqualTo(indexes);
    }

    @Test
    void whenAJsonArrayIsAskedForThenTheResultsComeInRequestOrder() {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            urls.add(server.url("a" + (i % 3) + ".test", (5 - i) * 20) + "?i=" + i);
        }
        HttpResponse<String> answer = apiClient.post("/api/batch", batch(urls), "Accept", "application/json");
        assertThat(answer.statusCode()).isEqualTo(200);
        List<FetchResult> results = List.of(jsonMapper.readValue(answer.body().strip(), FetchResult[].class));
        assertThat(results).extracting(FetchResult::index).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(results).extracting(FetchResult::url).containsExactlyElementsOf(urls);
    }

    @Test
    void whenJobsHaveRunThenTheKafkaDashboardQueriesOnlyMetersThePrometheusEndpointCarries() throws Exception {
        HttpResponse<String> ran = allClient.post("/api/batch", batch(List.of(server.url("m.test", 0))));
        assertThat(ran.statusCode()).isEqualTo(200);
        JsonNode dashboard = jsonMapper.readTree(java.nio.file.Files.readString(java.nio.file.Path.of("grafana-kafka-dashboard.json")));
        java.util.Set<String> queried = dashboard.findValues("expr").stream()
            .flatMap((expr) -> java.util.regex.Pattern.compile("(multifetch|kafka)_[a-z0-9_]+").matcher(expr.asString()).results())
            .map(java.util.regex.MatchResult::group)
            .collect(Collectors.toSet());
        String prometheus = allClient.get("/actuator/prometheus").body();
        assertThat(queried).contains("multifetch_kafka_jobs_inflight", "multifetch_kafka_jobs_uncommitted",
                "multifetch_kafka_container_paused", "kafka_consumer_fetch_manager_records_lag", "multifetch_kafka_hosts_inflight",
                "multifetch_kafka_jobs_completed_total", "multifetch_kafka_job_queue_time_seconds_sum",
                "multifetch_kafka_rebalances_total", "multifetch_kafka_dlt_sent_total", "multifetch_kafka_results_duplicates_total");
        // series that come later: the busiest hosts only while a worker holds jobs, the lag per partition
        // once Micrometer's Kafka binder refreshes (a minute); the lag per worker is there at once
        assertThat(queried).contains("kafka_consumer_fetch_manager_records_lag_max");
        assertThat(queried).filteredOn((meter) -> !meter.equals("multifetch_kafka_hosts_inflight")
                && !meter.equals("kafka_consumer_fetch_manager_records_lag"))
            .allSatisfy((meter) -> assertThat(prometheus).containsPattern("(?m)^" + meter + "[ {]"));
    }

    @Test
    void whenABatchSendsMoreThanTheCapToOneHostThenItIsA400() {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            urls.add("http://Busy.test:" + server.port() + "/" + i);
        }
        HttpResponse<String> answer = apiClient.post("/api/batch", batch(urls));
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("requests[10].url").contains("max-per-host").contains("busy.test");
    }

    @Test
    void whenABatchIdIsNotOneThenResumingIsA400() {
        assertThat(apiClient.get("/api/batches/nope/results?after=1").statusCode()).isEqualTo(400);
    }

    @Test
    void whenJobsWrittenStraightIntoTheTopicTargetDeniedAddressesThenTheWorkerRefusesThem() throws Exception {
        // what POST /api/batch would have refused, written past it: the worker's own guard decides
        JsonNode metadata = JsonNodeFactory.instance.objectNode().put("url", "http://169.254.169.254/latest/meta-data/");
        JsonNode itself = JsonNodeFactory.instance.objectNode().put("url", "http://127.0.0.1:" + Fleet.port(all) + "/actuator/health");
        JobSubmitter.SubmittedBatch batch = api.getBean(JobSubmitter.class).submit(List.of(metadata, itself), Duration.ofSeconds(30));
        List<JobResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<BatchResults.End> end = new java.util.concurrent.CompletableFuture<>();
        api.getBean(BatchResults.class).read(batch.batchId(), java.util.OptionalLong.of(batch.resultsStart()), 0,
                Duration.ofSeconds(30), new BatchResults.Listener() {
                    @Override
                    public boolean onResult(JobResult result) {
                        results.add(result);
                        return true;
                    }

                    @Override
                    public void onEnd(BatchResults.End why) {
                        end.complete(why);
                    }
                });
        assertThat(end.get(40, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(BatchResults.End.COMPLETE);
        assertThat(results).hasSize(2).allSatisfy((result) -> {
            assertThat(result.outcome()).isEqualTo(JobOutcome.Kind.REFUSED);
            assertThat(result.result().get("error").get("code").asString()).isEqualTo(SampleJobHandler.GUARD_REFUSED);
        });
    }

    private static String batch(List<String> urls) {
        return "{\"requests\": [" + urls.stream().map((url) -> "{\"url\": \"" + url + "\"}").collect(Collectors.joining(", ")) + "]}";
    }
}
