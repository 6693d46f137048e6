package dev.multifetch.sample.web;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.LocalAppTests;
import dev.multifetch.sample.fetch.FetchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every endpoint of the API against scripted loopback servers (profile local: private networks allowed). */
@Timeout(60)
class FetchApiTests extends LocalAppTests {

    private static final Duration LATCH_WAIT = Duration.ofSeconds(30);

    @Test
    void whenTargetAnswersThenResultCarriesTheWholeShape() {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("hello, multifetch"))) {
            FetchResult result = this.client.fetch("{\"url\": " + this.client.quote(target.url("/hello")) + "}");

            assertThat(result.error()).isNull();
            assertThat(result.url()).isEqualTo(target.url("/hello"));
            assertThat(result.effectiveUrl()).isEqualTo(target.url("/hello"));
            assertThat(result.status()).isEqualTo(200);
            assertThat(result.httpVersion()).isEqualTo("HTTP/1.1");
            assertThat(result.headers()).contains(List.of("Content-Length", "17"));
            assertThat(result.body()).isEqualTo("hello, multifetch");
            assertThat(result.bodyBase64()).isNull();
            assertThat(result.bodyBytes()).isEqualTo(17);
            assertThat(result.bodySha256()).isEqualTo(sha256("hello, multifetch".getBytes(StandardCharsets.UTF_8)));
            assertThat(result.bodyTruncated()).isFalse();
            assertThat(result.redirects()).isZero();
            assertThat(result.connects()).isEqualTo(1);
            assertThat(result.proxy()).as("direct").isNull();
            assertThat(result.timings().totalMs()).isPositive();
            assertThat(result.timings().starttransferMs()).isLessThanOrEqualTo(result.timings().totalMs());
            assertThat(result.index()).isNull();
        }
    }

    @Test
    void whenOptionsGivenThenTheyReachTheTarget() {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("created"))) {
            FetchResult result = this.client.fetch("""
                    {"url": %s, "method": "put", "headers": {"X-Trace": "t-1"}, "body": "{\\"a\\":1}",
                     "timeoutMs": 5000, "connectTimeoutMs": 2000, "lowSpeedLimit": 1, "lowSpeedTimeMs": 5000,
                     "maxBodyBytes": 1000}""".formatted(this.client.quote(target.url("/put"))));

            assertThat(result.status()).isEqualTo(200);
            ScriptedServer.RecordedRequest request = target.requests().get(0);
            assertThat(request.method()).isEqualTo("PUT");
            assertThat(request.header("X-Trace")).hasValue("t-1");
            assertThat(request.bodyAsString()).isEqualTo("{\"a\":1}");
            assertThat(request.header("Accept-Encoding")).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "http1.1", "http2" })
    void whenHttpVersionNamedOnCleartextThenTheTargetAnswersOverHttp11(String version) {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("plain"))) {
            FetchResult result = this.client.fetch("{\"url\": " + this.client.quote(target.url("/v"))
                    + ", \"httpVersion\": \"" + version + "\"}");

            assertThat(result.error()).isNull();
            assertThat(result.status()).isEqualTo(200);
            assertThat(result.httpVersion()).isEqualTo("HTTP/1.1");
        }
    }

    @Test
    void whenBodyLongerThanTheReturnLimitThenCutButCountedAndHashedWhole() {
        String body = "0123456789abcdef".repeat(100 * 1024 / 16);
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok(body))) {
            FetchResult result = this.client.fetchUrl(target.url("/big"));

            assertThat(result.bodyTruncated()).isTrue();
            assertThat(result.body()).hasSize(64 * 1024).isEqualTo(body.substring(0, 64 * 1024));
            assertThat(result.bodyBytes()).isEqualTo(body.length());
            assertThat(result.bodySha256()).isEqualTo(sha256(body.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void whenBodyIsBinaryThenBase64() {
        byte[] png = { (byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff };
        ScriptedServer.Script script = ScriptedServer.script()
            .sendResponse(200, Map.of("Content-Type", "image/png", "Content-Length", "8"), png);
        try (ScriptedServer target = new ScriptedServer().defaultScript(script)) {
            FetchResult result = this.client.fetchUrl(target.url("/img"));

            assertThat(result.body()).isNull();
            assertThat(result.bodyBase64()).isEqualTo(java.util.Base64.getEncoder().encodeToString(png));
            assertThat(result.bodyBytes()).isEqualTo(8);
        }
    }

    @Test
    void whenGzipAcceptedThenBodyDecodedAndDescribedDecoded() throws Exception {
        byte[] text = "squeezed ".repeat(50).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(text);
        }
        ScriptedServer.Script script = ScriptedServer.script().sendResponse(200, Map.of("Content-Type", "text/plain",
                "Content-Encoding", "gzip", "Content-Length", Integer.toString(gzipped.size())), gzipped.toByteArray());
        try (ScriptedServer target = new ScriptedServer().defaultScript(script)) {
            FetchResult result = this.client.fetch("{\"url\": " + this.client.quote(target.url("/gz"))
                    + ", \"acceptEncoding\": [\"gzip\", \"deflate\"]}");

            assertThat(target.requests().get(0).header("Accept-Encoding")).hasValueSatisfying(
                    (value) -> assertThat(value).contains("gzip").contains("deflate"));
            assertThat(result.body()).isEqualTo(new String(text, StandardCharsets.UTF_8));
            assertThat(result.bodyBytes()).isEqualTo(text.length);
            assertThat(result.bodySha256()).isEqualTo(sha256(text));
        }
    }

    @Test
    void whenRedirectsFollowedThenEffectiveUrlAndCount() {
        try (ScriptedServer target = new ScriptedServer()) {
            target.dispatcher((index, request) -> request.target().equals("/old")
                    ? ScriptedServer.script().sendResponse(302, Map.of("Location", "/new", "Content-Length", "0"), "")
                    : ScriptedServer.ok("moved here"));

            FetchResult result = this.client.fetch("{\"url\": " + this.client.quote(target.url("/old"))
                    + ", \"followRedirects\": true, \"maxRedirects\": 2}");
            FetchResult notFollowed = this.client.fetchUrl(target.url("/old"));

            assertThat(result.status()).isEqualTo(200);
            assertThat(result.effectiveUrl()).isEqualTo(target.url("/new"));
            assertThat(result.redirects()).isEqualTo(1);
            assertThat(notFollowed.status()).isEqualTo(302);
        }
    }

    @Test
    void whenTargetFailsThenOkWithErrorAndTimings() {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.script().stall())) {
            FetchResult result = this.client.fetch("{\"url\": " + this.client.quote(target.url("/stall")) + ", \"timeoutMs\": 300}");

            assertThat(result.status()).isNull();
            assertThat(result.error().code()).isEqualTo("OPERATION_TIMEDOUT");
            assertThat(result.error().message()).isNotBlank().doesNotStartWith("OPERATION_TIMEDOUT");
            assertThat(result.bodyBytes()).isNull();
        }
    }

    @Test
    void whenTheAppIsAskedToFetchItselfThenRefusedEvenWithPrivateNetworksAllowed() {
        HttpResponse<String> literal = this.client.get("/api/fetch?url=http://127.0.0.1:" + this.port + "/actuator/health");
        FetchResult byName = this.client.fetchUrl("http://localhost:" + this.port + "/actuator/health");

        assertThat(literal.statusCode()).isEqualTo(400);
        assertThat(literal.body()).contains("denied-address").contains("this sample app itself");
        assertThat(byName.error().code()).isEqualTo("COULDNT_CONNECT");
        assertThat(byName.error().message()).contains("denied by connect policy").contains("this sample app itself");
    }

    @Test
    void whenTransferRunsThenListedAndCancellable() {
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedServer target = new ScriptedServer()
            .defaultScript(ScriptedServer.script().await(release, LATCH_WAIT).then(ScriptedServer.ok("late")))) {
            String url = target.url("/held");
            CompletableFuture<HttpResponse<String>> pending = this.client.postAsync("/api/fetch",
                    "{\"url\": " + this.client.quote(url) + "}");

            JsonNode running = await().atMost(Duration.ofSeconds(20)).until(() -> this.client.json(this.client.get("/api/transfers").body()),
                    (list) -> list.size() == 1 && list.get(0).get("state").asString().equals("waiting for response"));
            long id = running.get(0).get("id").asLong();
            assertThat(running.get(0).get("url").asString()).isEqualTo(url);
            assertThat(running.get(0).get("method").asString()).isEqualTo("GET");
            assertThat(running.get(0).get("elapsedMs").asLong()).isNotNegative();
            assertThat(running.get(0).get("bytes").asLong()).isZero();

            assertThat(this.client.delete("/api/transfers/" + id).statusCode()).isEqualTo(204);
            FetchResult cancelled = this.jsonMapper.readValue(pending.join().body(), FetchResult.class);
            assertThat(cancelled.error().code()).isEqualTo("ABORTED_BY_CALLBACK");
            assertThat(cancelled.error().message()).contains("DELETE /api/transfers/" + id);
            assertThat(this.client.json(this.client.get("/api/transfers").body())).isEmpty();

            HttpResponse<String> again = this.client.delete("/api/transfers/" + id);
            assertThat(again.statusCode()).isEqualTo(404);
            assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            release.countDown();
        }
    }

    @Test
    @Timeout(20)
    void batchStreamsEachLineAsItsFetchCompletes() {
        CountDownLatch releaseSlow = new CountDownLatch(1);
        try (ScriptedServer slow = new ScriptedServer()
                .defaultScript(ScriptedServer.script().await(releaseSlow, LATCH_WAIT).then(ScriptedServer.ok("slow")));
             ScriptedServer fast = new ScriptedServer().defaultScript(ScriptedServer.ok("fast"))) {
            HttpResponse<Stream<String>> response = this.client.postLines("/api/batch", """
                    {"requests": [{"url": %s}, {"url": %s}], "concurrency": 2}"""
                .formatted(this.client.quote(slow.url("/slow")), this.client.quote(fast.url("/fast"))));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
            Iterator<String> lines = response.body().iterator();
            // the slow target holds its answer until the fast line has been read: completion order, not request order
            FetchResult first = this.jsonMapper.readValue(lines.next(), FetchResult.class);
            assertThat(first.index()).isEqualTo(1);
            assertThat(first.body()).isEqualTo("fast");
            JsonNode running = this.client.json(this.client.get("/api/transfers").body());
            assertThat(running).singleElement().satisfies((transfer) ->
                    assertThat(transfer.get("url").asString()).isEqualTo(slow.url("/slow")));
            releaseSlow.countDown();
            FetchResult second = this.jsonMapper.readValue(lines.next(), FetchResult.class);
            assertThat(second.index()).isZero();
            assertThat(second.body()).isEqualTo("slow");
            assertThat(lines.hasNext()).isFalse();
        }
    }

    @Test
    void batchWithAcceptJsonAnswersAnArrayInRequestOrder() {
        CountDownLatch fastDone = new CountDownLatch(1);
        try (ScriptedServer slow = new ScriptedServer().defaultScript(
                ScriptedServer.script().await(fastDone, LATCH_WAIT).then(ScriptedServer.ok("slow")));
             ScriptedServer fast = new ScriptedServer().defaultScript(ScriptedServer.ok("fast").run(fastDone::countDown))) {
            HttpResponse<String> response = this.client.post("/api/batch", """
                    {"requests": [{"url": %s}, {"url": %s}, {"url": "http://127.0.0.1:1/"}]}"""
                .formatted(this.client.quote(slow.url("/slow")), this.client.quote(fast.url("/fast"))),
                    "Accept", "application/json");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    (type) -> assertThat(type).startsWith("application/json"));
            FetchResult[] results = this.jsonMapper.readValue(response.body(), FetchResult[].class);
            assertThat(results).extracting(FetchResult::index).containsExactly(0, 1, 2);
            assertThat(results).extracting(FetchResult::body).containsExactly("slow", "fast", null);
            assertThat(results[2].error().code()).isEqualTo("COULDNT_CONNECT");
        }
    }

    @Test
    void whenOneBatchItemIsRefusedByTheGuardThenItFailsAloneAndTheOthersAreFetched() {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("fetched"))) {
            String self = "http://127.0.0.1:" + this.port + "/actuator/health";
            HttpResponse<String> response = this.client.post("/api/batch", """
                    {"requests": [{"url": %s}, {"url": %s}, {"url": %s}]}"""
                .formatted(this.client.quote(target.url("/a")), this.client.quote(self), this.client.quote(target.url("/b"))),
                    "Accept", "application/json");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            FetchResult[] results = this.jsonMapper.readValue(response.body(), FetchResult[].class);
            assertThat(results).extracting(FetchResult::body).containsExactly("fetched", null, "fetched");
            assertThat(results[1].index()).isEqualTo(1);
            assertThat(results[1].url()).isEqualTo(self);
            assertThat(results[1].error().code()).isEqualTo("DENIED_BY_SSRF_GUARD");
            assertThat(results[1].error().message()).contains("this sample app itself");
            assertThat(target.requests()).hasSize(2);
        }
    }

    @Test
    void whenExpectContinueAskedThenTheTargetSeesTheExpectHeader() {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("continued"))) {
            FetchResult result = this.client.fetch("{\"url\": " + this.client.quote(target.url("/upload"))
                    + ", \"method\": \"POST\", \"body\": \"payload\", \"expectContinue\": true}");

            assertThat(result.error()).isNull();
            assertThat(result.status()).isEqualTo(200);
            assertThat(target.requests().get(0).header("Expect")).hasValue("100-continue");
        }
    }

    @Test
    void batchItemsTakeAnHttpVersionEach() {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("v"))) {
            HttpResponse<String> response = this.client.post("/api/batch", """
                    {"requests": [{"url": %s, "httpVersion": "http1.1"}, {"url": %s, "httpVersion": "http2"}]}"""
                .formatted(this.client.quote(target.url("/1")), this.client.quote(target.url("/2"))),
                    "Accept", "application/json");

            assertThat(response.statusCode()).isEqualTo(200);
            FetchResult[] results = this.jsonMapper.readValue(response.body(), FetchResult[].class);
            assertThat(results).extracting(FetchResult::httpVersion).containsExactly("HTTP/1.1", "HTTP/1.1");
        }
    }

    @Test
    void batchRunsAtMostItsConcurrencyAtOnce() {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("x"))) {
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                requests.append(i == 0 ? "" : ",").append("{\"url\": ").append(this.client.quote(target.url("/" + i))).append('}');
            }
            HttpResponse<String> response = this.client.post("/api/batch",
                    "{\"requests\": [" + requests + "], \"concurrency\": 1}", "Accept", "application/json");

            assertThat(this.client.json(response.body())).hasSize(6);
            assertThat(target.peakOpenConnections()).isEqualTo(1);
        }
    }

    @Test
    void whenMaxConcurrentBatchesRunThenAnotherIs503WithRetryAfter() {
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedServer held = new ScriptedServer()
            .defaultScript(ScriptedServer.script().await(release, LATCH_WAIT).then(ScriptedServer.ok("held")))) {
            String batch = "{\"requests\": [{\"url\": " + this.client.quote(held.url("/held")) + "}]}";
            List<CompletableFuture<HttpResponse<String>>> running = java.util.stream.IntStream.range(0, 4)
                .mapToObj((i) -> this.client.postAsync("/api/batch", batch))
                .toList();
            await().atMost(Duration.ofSeconds(20)).until(() -> held.requests().size() == 4);

            HttpResponse<String> refused = this.client.post("/api/batch", batch);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.body()).contains("max-concurrent-batches");
            release.countDown();
            running.forEach((response) -> assertThat(response.join().statusCode()).isEqualTo(200));
            await().atMost(Duration.ofSeconds(10))
                .until(() -> this.client.post("/api/batch", batch).statusCode() == 200);
        }
    }

    @Test
    void batchesThatEndAtOnceGiveTheirSlotBack() {
        String instantFailure = "{\"requests\": [{\"url\": \"http://127.0.0.1:1/\"}]}";

        for (int i = 0; i < 10; i++) {
            assertThat(this.client.post("/api/batch", instantFailure).statusCode()).isEqualTo(200);
            assertThat(this.client.post("/api/batch", instantFailure, "Accept", "application/json").statusCode()).isEqualTo(200);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
