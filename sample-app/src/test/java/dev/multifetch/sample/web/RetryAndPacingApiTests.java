package dev.multifetch.sample.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.LocalAppTests;
import dev.multifetch.sample.fetch.FetchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fetch's {@code retries} and a batch's {@code minIntervalMs} against scripted loopback targets,
 * and what the results say of them: {@code attempts}, {@code retryAfterMs}, {@code retryStopped}.
 * The app honours a target's {@code Retry-After} for every caller
 * ({@code multifetch.politeness.block-on-retry-after=true}), and waits for one 10 s at the most
 * ({@code multifetch.retry.max-retry-after}).
 */
@Timeout(60)
class RetryAndPacingApiTests extends LocalAppTests {

    /** A target answering 503 with {@code headers} first, then 200 with {@code body}. */
    private static ScriptedServer unavailableOnceThen(Map<String, String> headers, String body) {
        AtomicInteger served = new AtomicInteger();
        return new ScriptedServer().dispatcher((index, request) -> (served.getAndIncrement() == 0)
                ? ScriptedServer.script().sendResponse(503, headers, "")
                : ScriptedServer.ok(body));
    }

    @Test
    void whenRetriesAskedThenA503WithRetryAfterIsWaitedOutAndTheAnswerCountsTwoAttempts() {
        try (ScriptedServer target = unavailableOnceThen(Map.of("Retry-After", "1", "Content-Length", "0"), "back")) {
            FetchResult result = this.client.fetch("{\"url\": " + this.client.quote(target.url("/flaky"))
                    + ", \"retries\": 2}");

            assertThat(result.status()).isEqualTo(200);
            assertThat(result.body()).isEqualTo("back");
            assertThat(result.attempts()).isEqualTo(2);
            assertThat(result.retryAfterMs()).isEqualTo(1000);
            assertThat(result.retryStopped()).isNull();
            assertThat(result.timings().totalMs()).isGreaterThanOrEqualTo(990);
            assertThat(target.requests()).hasSize(2);
        }
    }

    @Test
    void whenEveryAttemptFailsThenTheErrorSaysHowManyWereMadeAndWhyTheyStopped() {
        try (ScriptedServer target = new ScriptedServer().dispatcher((index, request) -> ScriptedServer.script().close())) {
            FetchResult result = this.client.fetch("{\"url\": " + this.client.quote(target.url("/gone"))
                    + ", \"retries\": 1}");

            assertThat(result.error().code()).isEqualTo("GOT_NOTHING");
            assertThat(result.attempts()).isEqualTo(2);
            assertThat(result.retryStopped()).isEqualTo("no retries left after 2 attempts");
            assertThat(target.requests()).hasSize(2);
        }
    }

    @Test
    void whenNoRetriesAskedThenThe503IsTheAnswerAfterOneAttempt() {
        try (ScriptedServer target = unavailableOnceThen(Map.of("Content-Length", "0"), "never")) {
            FetchResult result = this.client.fetchUrl(target.url("/once"));

            assertThat(result.status()).isEqualTo(503);
            assertThat(result.attempts()).isEqualTo(1);
            assertThat(result.retryAfterMs()).isNull();
            assertThat(this.client.get("/api/fetch?url=" + target.url("/once")).body())
                .doesNotContain("retryAfterMs", "retryStopped")
                .contains("\"attempts\":1");
        }
    }

    @Test
    void whenTheTargetAsksToWaitLongerThanTheAppWillThenItsAnswerComesBackAtOnceSayingWhy() {
        ScriptedServer.Script busy = ScriptedServer.script()
            .sendResponse(503, Map.of("Retry-After", "11", "Content-Length", "0"), "");
        try (ScriptedServer target = new ScriptedServer().defaultScript(busy)) {
            FetchResult result = this.client.fetch("{\"url\": " + this.client.quote(target.url("/busy"))
                    + ", \"retries\": 3}");

            assertThat(result.status()).isEqualTo(503);
            assertThat(result.attempts()).isEqualTo(1);
            assertThat(result.retryAfterMs()).isEqualTo(11_000);
            assertThat(result.retryStopped()).isEqualTo("Retry-After 11 s is beyond maxRetryAfter 10 s");
            assertThat(target.requests()).hasSize(1);
        }
    }

    @Test
    void whileATransferWaitsToRetryThenItIsListedSoWithItsNextAttempt() {
        try (ScriptedServer target = unavailableOnceThen(Map.of("Retry-After", "2", "Content-Length", "0"), "later")) {
            CompletableFuture<HttpResponse<String>> pending = this.client.postAsync("/api/fetch",
                    "{\"url\": " + this.client.quote(target.url("/wait")) + ", \"retries\": 1}");

            JsonNode waiting = await().atMost(Duration.ofSeconds(20))
                .until(() -> this.client.json(this.client.get("/api/transfers").body()), (list) -> list.size() == 1
                        && list.get(0).get("state").asString().equals("waiting to retry"));
            assertThat(waiting.get(0).get("attempt").asInt()).isEqualTo(2);
            FetchResult result = this.jsonMapper.readValue(pending.join().body(), FetchResult.class);
            assertThat(result.attempts()).isEqualTo(2);
            assertThat(result.body()).isEqualTo("later");
        }
    }

    @Test
    void batchItemsRetryAsEachAsksAndTheBatchSpacesItsStarts() {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        try (ScriptedServer paced = new ScriptedServer();
                ScriptedServer flaky = unavailableOnceThen(Map.of("Content-Length", "0"), "second try")) {
            paced.dispatcher((index, request) -> {
                arrivals.add(System.nanoTime());
                return ScriptedServer.ok("paced");
            });
            // a kept-alive connection for both starts, so that no connect shifts one arrival
            assertThat(this.client.fetchUrl(paced.url("/0")).body()).isEqualTo("paced");
            arrivals.clear();
            HttpResponse<String> response = this.client.post("/api/batch", """
                    {"requests": [{"url": %s}, {"url": %s}, {"url": %s, "retries": 1}],
                     "concurrency": 3, "minIntervalMs": 300}"""
                .formatted(this.client.quote(paced.url("/1")), this.client.quote(paced.url("/2")),
                        this.client.quote(flaky.url("/3"))), "Accept", "application/json");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            FetchResult[] results = this.jsonMapper.readValue(response.body(), FetchResult[].class);
            assertThat(results).extracting(FetchResult::body).containsExactly("paced", "paced", "second try");
            assertThat(results).extracting(FetchResult::attempts).containsExactly(1, 1, 2);
            assertThat(arrivals).hasSize(2);
            assertThat(Math.abs(arrivals.get(1) - arrivals.get(0))).isGreaterThanOrEqualTo(290_000_000L);
        }
    }
}
