package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.QuietLogs;
import dev.multifetch.core.testing.ScriptedServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's interception point: run on the submitting thread before the request is queued,
 * its header fields replace the user's, it hears of every attempt and of the one outcome, and
 * when it throws, that fetch alone fails.
 */
@Timeout(20)
class FetchInterceptorTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final ScriptedServer server = loopback.server();

    /** Records what one fetch's interception heard, in order. */
    static class Recording implements FetchInterceptor.Interception {
        final List<String> events = new CopyOnWriteArrayList<>();
        final Map<String, String> headers;
        final String thread = Thread.currentThread().getName();

        Recording(Map<String, String> headers) {
            this.headers = headers;
        }

        @Override
        public Map<String, String> headers() {
            return headers;
        }

        @Override
        public void attemptStarted(int attempt, String url) {
            events.add("start " + attempt + " " + url.replaceAll("127.0.0.1:\\d+", "origin"));
        }

        @Override
        public void attemptEnded(int attempt, int status, FetchException failure) {
            events.add("end " + attempt + " " + (failure == null ? status : failure.error()));
        }

        @Override
        public void completed(FetchResponse response, Throwable failure) {
            events.add("completed " + (response != null ? response.status() : failure.getClass().getSimpleName()));
        }
    }

    private FetchEngine engine(Function<FetchRequest, FetchInterceptor.Interception> interceptor, MultiOptions options) {
        FetchEngine engine = FetchEngine.builder().options(options).interceptor(interceptor::apply).build();
        return loopback.closeAfter(engine);
    }

    @Test
    void itsHeaderFieldsReplaceTheUsersAndItRunsOnTheSubmittingThread() throws Exception {
        server.dispatcher((i, r) -> ok(String.join("|", r.headers("traceparent"))));
        List<Recording> seen = new CopyOnWriteArrayList<>();
        FetchEngine engine = engine(request -> {
            Recording r = new Recording(Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
            seen.add(r);
            return r;
        }, MultiOptions.DEFAULTS);

        FetchResponse response = succeeds(engine.fetch(FetchRequest.builder(server.url("/"))
                .header("TraceParent", "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00").build()));

        assertThat(response.bodyAsString()).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(seen.get(0).thread).isEqualTo(Thread.currentThread().getName());
        eventually().until(() -> seen.get(0).events.size() == 3);
        assertThat(seen.get(0).events).containsExactly("start 1 http://origin/", "end 1 200", "completed 200");
    }

    @Test
    void everyRedirectHopAndRetryIsAnAttempt() throws Exception {
        AtomicInteger ends = new AtomicInteger();
        server.dispatcher((i, r) -> r.target().equals("/a")
                ? script().sendResponse(302, Map.of("Location", "/b", "Content-Length", "0"), "")
                : ends.incrementAndGet() == 1 ? script().sendResponse(503, Map.of("Content-Length", "0"), "") : ok("b"));
        Recording recording = new Recording(Map.of());
        FetchEngine engine = engine(request -> recording, MultiOptions.builder()
                .retry(RetryPolicy.builder().maxRetries(1).baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(1)).build()).build());

        succeeds(engine.fetch(FetchRequest.builder(server.url("/a")).followRedirects().build()));

        eventually().until(() -> recording.events.size() == 7);
        assertThat(recording.events).containsExactly("start 1 http://origin/a", "end 1 302", "start 2 http://origin/b",
                "end 2 503", "start 3 http://origin/b", "end 3 200", "completed 200");
    }

    @Test
    @QuietLogs("dev.multifetch.core.multi.Attempts")
    void eachAttemptsOwnHeaderFieldsReachTheServerAndAnInvalidOneIsDroppedNotSent() throws Exception {
        server.dispatcher((i, r) -> r.target().equals("/a")
                ? script().sendResponse(302, Map.of("Location", "/b", "Content-Length", "0"), "")
                : r.target().equals("/b") ? script().sendResponse(302, Map.of("Location", "/c", "Content-Length", "0"), "")
                : ok(String.join("|", r.headers("X-Attempt"))));
        FetchEngine engine = engine(request -> new Recording(Map.of("X-Attempt", "submitted")) {
            private int attempt;

            @Override
            public void attemptStarted(int attempt, String url) {
                this.attempt = attempt;
            }

            @Override
            public Map<String, String> attemptHeaders() {
                // the second hop's value would split the request: refused, so that hop keeps the first's field
                return Map.of("X-Attempt", attempt == 2 ? "2\r\nInjected: yes" : Integer.toString(attempt));
            }
        }, MultiOptions.DEFAULTS);

        FetchResponse response = succeeds(engine.fetch(FetchRequest.builder(server.url("/a")).followRedirects().build()));

        assertThat(response.bodyAsString()).isEqualTo("3");
        List<ScriptedServer.RecordedRequest> hops = server.awaitRequests(3);
        assertThat(hops).extracting(h -> h.target() + " " + h.headers("X-Attempt") + " " + h.headers("Injected"))
                .containsExactly("/a [1] []", "/b [1] []", "/c [3] []");
    }

    @Test
    @QuietLogs("dev.multifetch.core.multi.Attempts")
    void aThrowingInterceptorFailsThatFetchAloneAndAThrowingAttemptHookIsOnlyLogged() throws Exception {
        server.dispatcher((i, r) -> ok("fine"));
        FetchEngine engine = engine(request -> {
            if (request.url().endsWith("/bad")) {
                throw new IllegalStateException("interceptor bug");
            }
            return new Recording(Map.of()) {
                @Override
                public void attemptStarted(int attempt, String url) {
                    throw new IllegalStateException("hook bug");
                }
            };
        }, MultiOptions.DEFAULTS);

        FetchException bad = fails(engine.fetch(FetchRequest.get(server.url("/bad"))));
        FetchResponse good = succeeds(engine.fetch(FetchRequest.get(server.url("/good"))));

        assertThat(bad.error()).isEqualTo(FetchError.ABORTED_BY_CALLBACK);
        assertThat(bad.getMessage()).contains("interceptor bug");
        assertThat(good.bodyAsString()).isEqualTo("fine");
    }

    @Test
    void aCancelledFetchIsCompletedOnceAsCancelled() throws Exception {
        server.dispatcher((i, r) -> script().stall());
        Recording recording = new Recording(Map.of());
        FetchEngine engine = engine(request -> recording, MultiOptions.DEFAULTS);

        CompletableFuture<FetchResponse> f = engine.fetch(FetchRequest.get(server.url("/slow")));
        server.awaitRequests(1);
        f.cancel(true);

        eventually().until(() -> engine.runningHandles() == 0);
        eventually().until(() -> recording.events.contains("end 1 ABORTED_BY_CALLBACK"));
        assertThat(recording.events).filteredOn(e -> e.startsWith("completed")).containsExactly("completed CancellationException");
    }

    @Test
    void theInterceptionHearsOfTheEndBeforeTheCallersStagesRunSoTheyAreNotPartOfTheFetch() throws Exception {
        server.dispatcher((i, r) -> r.target().equals("/ok") ? ok("fine") : script().stall());
        Recording recording = new Recording(Map.of());
        FetchEngine engine = engine(request -> recording, MultiOptions.DEFAULTS);
        List<String> seenByStage = new CopyOnWriteArrayList<>();

        CompletableFuture<FetchResponse> ok = engine.fetch(FetchRequest.get(server.url("/ok")));
        CompletableFuture<FetchResponse> late = engine.fetch(FetchRequest.builder(server.url("/late"))
                .timeout(Duration.ofMillis(100)).build());
        // a stage added before the end runs on the completing thread: the interception was told first
        ok.whenComplete((r, f) -> seenByStage.add("ok after " + List.copyOf(recording.events)));
        late.whenComplete((r, f) -> seenByStage.add("late after " + List.copyOf(recording.events)));

        succeeds(ok);
        fails(late);
        eventually().until(() -> seenByStage.size() == 2);
        assertThat(seenByStage).anySatisfy(e -> assertThat(e).startsWith("ok after").contains("completed 200"));
        assertThat(seenByStage).anySatisfy(e -> assertThat(e).startsWith("late after").contains("completed FetchException"));
        assertThat(recording.events).filteredOn(e -> e.startsWith("completed")).hasSize(2);
    }

    @Test
    void aFetchRefusedByAClosedEngineIsCompletedOnce() throws Exception {
        Recording recording = new Recording(Map.of());
        FetchEngine engine = engine(request -> recording, MultiOptions.DEFAULTS);
        engine.close();

        CompletableFuture<FetchResponse> f = engine.fetch(FetchRequest.get(server.url("/late")));

        assertThat(f).isCompletedExceptionally();
        assertThat(recording.events).containsExactly("completed IllegalStateException");
    }
}
