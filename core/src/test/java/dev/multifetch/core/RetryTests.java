package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.Script;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retries on the engine's timer, curl's rules first, against loopback servers: which statuses and
 * errors are retried, Retry-After in seconds and as a date, the limits that end a transfer with
 * the last response, non-idempotent requests, cancelling during a backoff, and the budget.
 */
@Timeout(60)
class RetryTests {

    private static final RetryPolicy QUICK = RetryPolicy.builder().maxRetries(2).baseDelay(Duration.ofMillis(5))
            .maxDelay(Duration.ofMillis(20)).jitter(false).build();

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final ScriptedServer server = loopback.server();

    private FetchEngine engine(RetryPolicy policy) {
        return loopback.engine(MultiOptions.builder().retry(policy).build());
    }

    private static Script status(int code, Map<String, String> headers) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put("Content-Length", "0");
        return script().sendResponse(code, all, "");
    }

    @Test
    void everyStatusIsRetriedExactlyAsCurlsRulesSay() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        server.dispatcher((i, r) -> {
            requests.incrementAndGet();
            return status(Integer.parseInt(r.target().substring(1)), Map.of());
        });
        FetchEngine engine = engine(QUICK);
        List<Integer> codes = IntStream.rangeClosed(200, 599).filter(c -> c != 204 && c != 304 && (c < 300 || c > 308)).boxed().toList();

        List<CompletableFuture<FetchResponse>> all = codes.stream().map(c -> engine.fetch(FetchRequest.get(server.url("/" + c)))).toList();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            int code = codes.get(i);
            FetchResponse response = succeeds(all.get(i));
            boolean transientStatus = RetryPolicy.TRANSIENT_STATUSES.contains(code);
            int expected = transientStatus ? 3 : 1;
            // a transient answer handed back after the last retry says why; any other says nothing
            RetryStop stop = transientStatus ? RetryStop.NO_RETRIES_LEFT : null;
            if (response.status() != code || response.attempts() != expected || response.retryStop() != stop
                    || (stop == null) != (response.retryStopped() == null)) {
                wrong.add(code + " -> " + response.attempts() + " " + response.retryStop());
            }
        }

        assertThat(wrong).isEmpty();
        assertThat(requests.get()).isEqualTo(codes.size() + 2 * RetryPolicy.TRANSIENT_STATUSES.size());
    }

    @Test
    void aRetryAfterInSecondsIsWaitedOut() throws Exception {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        server.dispatcher((i, r) -> {
            arrivals.add(System.nanoTime());
            return arrivals.size() == 1 ? status(503, Map.of("Retry-After", "2")) : ok("now");
        });

        FetchResponse response = succeeds(engine(QUICK).fetch(FetchRequest.get(server.url("/"))));

        assertThat(response.bodyAsString()).isEqualTo("now");
        assertThat(response.attempts()).isEqualTo(2);
        assertThat(response.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(arrivals.get(1) - arrivals.get(0)).isGreaterThanOrEqualTo(2_000_000_000L);
    }

    @Test
    void aRetryAfterDateIsWaitedOutAndAPastDateRetriesAtOnce() throws Exception {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        String inTwoSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2));
        String past = "Sun, 06 Nov 1994 08:49:37 GMT";
        server.dispatcher((i, r) -> {
            arrivals.add(System.nanoTime());
            return switch (arrivals.size()) {
                case 1 -> status(429, Map.of("Retry-After", inTwoSeconds));
                case 2 -> status(503, Map.of("Retry-After", past));
                default -> ok("done");
            };
        });

        FetchResponse response = succeeds(engine(QUICK).fetch(FetchRequest.get(server.url("/"))));

        assertThat(response.attempts()).isEqualTo(3);
        // the date has whole seconds: between one and two seconds are left of it
        assertThat(arrivals.get(1) - arrivals.get(0)).isGreaterThanOrEqualTo(900_000_000L);
        assertThat(arrivals.get(2) - arrivals.get(1)).isLessThan(500_000_000L);
    }

    @Test
    void garbageRetryAfterFallsBackToTheBackoff() throws Exception {
        server.dispatcher((i, r) -> i == 0 && r.connectionId() == 1 ? status(503, Map.of("Retry-After", "soon-ish")) : ok("ok"));

        FetchResponse response = succeeds(engine(QUICK).fetch(FetchRequest.get(server.url("/"))));

        assertThat(response.attempts()).isEqualTo(2);
        assertThat(response.retryAfter()).isNull();
    }

    @Test
    void aRetryAfterBeyondTheLimitEndsWithTheResponseAndSaysWhy() throws Exception {
        server.dispatcher((i, r) -> status(503, Map.of("Retry-After", "99999999999999999999")));

        FetchResponse response = succeeds(engine(QUICK.toBuilder().maxRetryAfter(Duration.ofSeconds(30)).build())
                .fetch(FetchRequest.get(server.url("/"))));

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.attempts()).isEqualTo(1);
        assertThat(response.retryStopped()).contains("beyond maxRetryAfter 30 s");
        assertThat(response.retryStop()).isEqualTo(RetryStop.MAX_RETRY_AFTER);
    }

    @Test
    void maxRetryTimeEndsWithTheResponseAndSaysWhy() throws Exception {
        server.dispatcher((i, r) -> status(503, Map.of("Retry-After", "5")));

        FetchResponse response = succeeds(engine(QUICK.toBuilder().maxRetryTime(Duration.ofSeconds(1)).build())
                .fetch(FetchRequest.get(server.url("/"))));

        assertThat(response.attempts()).isEqualTo(1);
        assertThat(response.retryStopped()).contains("maxRetryTime");
        assertThat(response.retryStop()).isEqualTo(RetryStop.MAX_RETRY_TIME);
    }

    @Test
    void aConnectionClosedBeforeAnyResponseIsRetriedForGetButAPostThatWasSentIsNot() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        AtomicInteger posts = new AtomicInteger();
        server.dispatcher((i, r) -> {
            AtomicInteger n = r.method().equals("GET") ? gets : posts;
            return n.incrementAndGet() == 1 ? script().close() : ok("second");
        });
        FetchEngine engine = engine(QUICK);

        FetchResponse get = succeeds(engine.fetch(FetchRequest.get(server.url("/g"))));
        FetchException post = fails(engine.fetch(FetchRequest.builder(server.url("/p")).method("POST")
                .body(RequestBody.of("order=1")).build()));

        assertThat(get.attempts()).isEqualTo(2);
        assertThat(post.error()).isEqualTo(FetchError.GOT_NOTHING);
        assertThat(posts.get()).isEqualTo(1);
    }

    @Test
    void aPostAnswered503IsHandedBackSayingWhyAndWithAnIdempotencyKeyIsRetried() throws Exception {
        AtomicInteger plain = new AtomicInteger();
        AtomicInteger keyed = new AtomicInteger();
        server.dispatcher((i, r) -> {
            AtomicInteger n = r.target().equals("/keyed") ? keyed : plain;
            return n.incrementAndGet() == 1 ? status(503, Map.of()) : ok("done");
        });
        FetchEngine engine = engine(QUICK);

        FetchResponse refused = succeeds(engine.fetch(FetchRequest.builder(server.url("/plain")).method("POST")
                .body(RequestBody.of("order=1")).build()));
        FetchResponse retried = succeeds(engine.fetch(FetchRequest.builder(server.url("/keyed")).method("POST")
                .header("Idempotency-Key", "order-1").body(RequestBody.of("order=1")).build()));

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.retryStop()).isEqualTo(RetryStop.NOT_IDEMPOTENT);
        assertThat(refused.retryStopped()).isEqualTo("POST is not idempotent and was sent: not repeated");
        assertThat(plain.get()).isEqualTo(1);
        assertThat(retried.bodyAsString()).isEqualTo("done");
        assertThat(retried.retryStop()).isNull();
        assertThat(keyed.get()).isEqualTo(2);
    }

    @Test
    void aFailureSaysHowManyAttemptsWereMadeAndWhyTheRetriesStopped() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        AtomicInteger posts = new AtomicInteger();
        server.dispatcher((i, r) -> {
            (r.method().equals("GET") ? gets : posts).incrementAndGet();
            return script().close();
        });
        FetchEngine engine = engine(QUICK);

        FetchException get = fails(engine.fetch(FetchRequest.get(server.url("/g"))));
        FetchException post = fails(engine.fetch(FetchRequest.builder(server.url("/p")).method("POST")
                .body(RequestBody.of("order=1")).build()));
        FetchException once = fails(loopback.engine(MultiOptions.DEFAULTS).fetch(FetchRequest.get(server.url("/once"))));

        assertThat(get.error()).isEqualTo(FetchError.GOT_NOTHING);
        assertThat(get.attempts()).isEqualTo(3);
        assertThat(get.retryStop()).isEqualTo(RetryStop.NO_RETRIES_LEFT);
        assertThat(get.retryStopped()).isEqualTo("no retries left after 3 attempts");
        assertThat(gets.get()).isEqualTo(4);
        assertThat(post.attempts()).isEqualTo(1);
        assertThat(post.retryStop()).isEqualTo(RetryStop.NOT_IDEMPOTENT);
        assertThat(once.attempts()).isEqualTo(1);
        assertThat(once.retryStop()).isNull();
        assertThat(once.retryStopped()).isNull();
    }

    @Test
    void aConnectionLostAfterTheResponseStartedIsNotRetried() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        server.dispatcher((i, r) -> {
            requests.incrementAndGet();
            return script().send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart").reset();
        });

        FetchException e = fails(engine(QUICK).fetch(FetchRequest.get(server.url("/"))));

        assertThat(e.error()).isIn(FetchError.RECV_ERROR, FetchError.PARTIAL_FILE);
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void redirectsAndRetriesCompose() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        server.dispatcher((i, r) -> r.target().equals("/start")
                ? script().sendResponse(302, Map.of("Location", "/end", "Content-Length", "0"), "")
                : hits.incrementAndGet() == 1 ? status(503, Map.of()) : ok("end"));

        FetchResponse response = succeeds(engine(QUICK).fetch(FetchRequest.builder(server.url("/start")).followRedirects().build()));

        assertThat(response.bodyAsString()).isEqualTo("end");
        assertThat(response.redirects()).isEqualTo(1);
        assertThat(response.attempts()).isEqualTo(2);
    }

    @Test
    void aPostWithAnIdempotencyKeyIsRetried() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        server.dispatcher((i, r) -> posts.incrementAndGet() == 1 ? script().close() : ok("stored"));

        FetchResponse response = succeeds(engine(QUICK).fetch(FetchRequest.builder(server.url("/p")).method("POST")
                .header("Idempotency-Key", "k-1").body(RequestBody.of("order=1")).build()));

        assertThat(response.attempts()).isEqualTo(2);
    }

    @Test
    void aRefusedConnectionIsRetriedOnlyWhenAskedEvenForAPost() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/";

        FetchException plain = fails(engine(QUICK).fetch(FetchRequest.builder(url).method("POST").body(RequestBody.of("x")).build()));
        FetchEngine asked = engine(QUICK.toBuilder().retryConnRefused(true).build());
        List<Integer> retried = new CopyOnWriteArrayList<>();
        FetchEngine listening = loopback.engine(MultiOptions.builder().retry(QUICK.toBuilder().retryConnRefused(true).build())
                .listener(new FetchListener() {
                    @Override
                    public void retryScheduled(Transfer transfer, int attempt, long delayNanos, String reason) {
                        retried.add(attempt);
                    }
                }).build());
        FetchException afterRetries = fails(listening.fetch(FetchRequest.builder(url).method("POST").body(RequestBody.of("x")).build()));

        assertThat(plain.error()).isEqualTo(FetchError.COULDNT_CONNECT);
        assertThat(afterRetries.error()).isEqualTo(FetchError.COULDNT_CONNECT);
        assertThat(retried).containsExactly(1, 2);
        assertThat(asked.runningHandles()).isZero();
    }

    @Test
    void cancellingDuringABackoffFreesTheTransferAtOnce() throws Exception {
        server.dispatcher((i, r) -> status(503, Map.of("Retry-After", "30")));
        FetchEngine engine = engine(QUICK.toBuilder().maxRetryAfter(Duration.ofMinutes(1)).build());

        CompletableFuture<FetchResponse> f = engine.fetch(FetchRequest.get(server.url("/")));
        eventually().until(() -> engine.pendingHandles() == 1);
        f.cancel(true);

        eventually().atMost(Duration.ofSeconds(2)).until(() -> engine.runningHandles() == 0 && engine.pendingHandles() == 0);
    }

    @Test
    void anAlways503HostGetsNoMoreRetriesThanTheBudgetAndOtherHostsAreUnaffected() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        server.dispatcher((i, r) -> {
            requests.incrementAndGet();
            return status(503, Map.of());
        });
        ScriptedServer other = loopback.server();
        other.dispatcher((i, r) -> ok("fine"));
        FetchEngine engine = engine(RetryPolicy.builder().maxRetries(3).baseDelay(Duration.ofMillis(1))
                .maxDelay(Duration.ofMillis(2)).budget(0.2, 1).build());

        List<CompletableFuture<FetchResponse>> all = IntStream.range(0, 1000)
                .mapToObj(i -> engine.fetch(FetchRequest.get(server.url("/" + i)))).toList();
        FetchResponse elsewhere = succeeds(engine.fetch(FetchRequest.get(other.url("/"))));
        long stoppedByBudget = 0;
        for (CompletableFuture<FetchResponse> f : all) {
            FetchResponse r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            if (r.retryStop() == RetryStop.BUDGET) {
                stoppedByBudget++;
            }
        }

        assertThat(elsewhere.bodyAsString()).isEqualTo("fine");
        // 20% of 1,000 requests plus a floor of 1 a second over the ten-second window
        assertThat(requests.get() - 1000).isLessThanOrEqualTo(200 + 10);
        assertThat(stoppedByBudget).isGreaterThan(0);
    }

    @Test
    void badRetrySettingsFailNamingThem() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(-1)).hasMessageContaining("maxRetries");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FetchRequest.builder("http://a/").retries(101)).hasMessageContaining("retries");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetryPolicy.builder().baseDelay(Duration.ofMinutes(20)).build())
                .hasMessageContaining("baseDelay");
    }
}
