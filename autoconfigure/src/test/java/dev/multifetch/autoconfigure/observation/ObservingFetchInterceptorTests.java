package dev.multifetch.autoconfigure.observation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.RetryPolicy;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The observing interceptor on a real engine and a loopback origin: one {@code http.client.requests}
 * per fetch with Spring's keys, a child per attempt, the {@code traceparent} the origin receives,
 * parents across the selector thread, and bounded timer series.
 */
@Timeout(60)
class ObservingFetchInterceptorTests {

    static final String FETCH = DefaultFetchObservationConvention.NAME;

    static final String ATTEMPT = DefaultFetchAttemptObservationConvention.NAME;

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final ScriptedServer server = this.loopback.server();

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private final ObservationLog log = new ObservationLog();

    private final SimpleTracer tracer = new SimpleTracer();

    ObservingFetchInterceptorTests() {
        this.registry.observationConfig().observationHandler(this.log);
    }

    private FetchEngine engine(ObservationRegistry observations, MultiOptions options) {
        return engine(new ObservingFetchInterceptor(observations), options);
    }

    private FetchEngine engine(ObservingFetchInterceptor interceptor, MultiOptions options) {
        return this.loopback.closeAfter(FetchEngine.builder().options(options).interceptor(interceptor).build());
    }

    private ObservingFetchInterceptor attempts(AttemptObservations attempts, boolean engineRetries) {
        return new ObservingFetchInterceptor(this.registry, null, null, attempts, engineRetries);
    }

    /** Spans for the registry's observations, the sender's with a W3C traceparent written into its carrier. */
    private void traced() {
        this.registry.observationConfig()
            .observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                    new PropagatingSenderTracingObservationHandler<>(this.tracer, new W3cPropagator()),
                    new DefaultTracingObservationHandler(this.tracer)));
    }

    private SimpleSpan span(String name) {
        List<SimpleSpan> named = this.tracer.getSpans().stream().filter((s) -> name.equals(s.getName())).toList();
        assertThat(named).as("spans named " + name).hasSize(1);
        return named.get(0);
    }

    private void awaitStopped(String name, int count) {
        eventually().until(() -> this.log.stopped(name) >= count);
    }

    @Test
    void whenFetchedDirectlyThenOneClientObservationWithSpringsKeys() throws Exception {
        this.server.dispatcher((i, r) -> ok("item"));
        FetchEngine engine = engine(this.registry, MultiOptions.DEFAULTS);

        succeeds(engine.fetch(FetchRequest.builder(this.server.url("/items/42?q=1")).uriTemplate("/items/{id}").build()));

        awaitStopped(FETCH, 1);
        assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo(FETCH, 1)
            .hasObservationWithNameEqualTo(FETCH)
            .that()
            .hasBeenStopped()
            .hasContextualNameEqualTo("http get")
            .hasLowCardinalityKeyValue("method", "GET")
            .hasLowCardinalityKeyValue("uri", "/items/{id}")
            .hasLowCardinalityKeyValue("status", "200")
            .hasLowCardinalityKeyValue("outcome", "SUCCESS")
            .hasLowCardinalityKeyValue("client.name", "127.0.0.1")
            .hasLowCardinalityKeyValue("exception", "none")
            .hasHighCardinalityKeyValue("http.url", this.server.url("/items/42?q=1"))
            .doesNotHaveParentObservation()
            .doesNotHaveError()
            .isInstanceOfSatisfying(FetchObservationContext.class,
                    (context) -> assertThat(context.getKind()).isEqualTo(Kind.CLIENT));
        // a fetch that neither follows redirects nor retries has no child by default: it would repeat its parent
        assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo(ATTEMPT, 0);
    }

    @Test
    void whenAttemptsAreAlwaysObservedThenEvenAOneAttemptFetchHasItsChild() throws Exception {
        this.server.dispatcher((i, r) -> ok("item"));
        FetchEngine engine = engine(attempts(AttemptObservations.ALWAYS, false), MultiOptions.DEFAULTS);

        succeeds(engine.fetch(FetchRequest.get(this.server.url("/items/42"))));

        awaitStopped(FETCH, 1);
        awaitStopped(ATTEMPT, 1);
        assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo(ATTEMPT, 1)
            .hasObservationWithNameEqualTo(ATTEMPT)
            .that()
            .hasParentObservationContextMatching((parent) -> FETCH.equals(parent.getName()))
            .hasLowCardinalityKeyValue("status", "200")
            .doesNotHaveHighCardinalityKeyValueWithKey("http.request.resend_count");
    }

    @Test
    void whenAFetchMayBeRetriedThenItsAttemptsAreChildrenAndOtherwiseNot() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        this.server.dispatcher((i, r) -> (calls.incrementAndGet() % 2 == 1)
                ? script().sendResponse(503, Map.of("Content-Length", "0"), "") : ok("again"));
        RetryPolicy once = RetryPolicy.builder().maxRetries(1).baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(5))
            .build();
        FetchEngine retrying = engine(attempts(AttemptObservations.REPEATABLE, true), MultiOptions.builder().retry(once).build());
        FetchEngine plain = engine(attempts(AttemptObservations.REPEATABLE, false), MultiOptions.DEFAULTS);

        // the engine retries: every fetch that does not set retries of its own may be retried
        succeeds(retrying.fetch(FetchRequest.get(this.server.url("/engine"))));
        awaitStopped(FETCH, 1);
        awaitStopped(ATTEMPT, 2);
        // a request's own retry policy counts on an engine that does not retry; retries(0) opts out
        succeeds(plain.fetch(FetchRequest.builder(this.server.url("/own")).retry(once).build()));
        awaitStopped(FETCH, 2);
        awaitStopped(ATTEMPT, 4);
        succeeds(retrying.fetch(FetchRequest.builder(this.server.url("/none")).retries(0).build()));
        awaitStopped(FETCH, 3);

        assertThat(this.log.of("stop", ATTEMPT)).extracting((e) -> ((FetchAttemptObservationContext) e.context()).getAttempt()
                + " " + ((FetchAttemptObservationContext) e.context()).getStatus())
            .containsExactly("1 503", "2 200", "1 503", "2 200");
        assertThat(this.log.stopped(ATTEMPT)).isEqualTo(4);
    }

    @Test
    void whenSomeFetchesHaveAttemptChildrenAndOthersResendEventsThenPrometheusTakesBothMeters() throws Exception {
        this.server.dispatcher((i, r) -> r.target().endsWith("/a")
                ? script().sendResponse(302, Map.of("Location", "b", "Content-Length", "0"), "") : ok("b"));
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(prometheus));
        FetchEngine children = engine(new ObservingFetchInterceptor(observations, null, null, AttemptObservations.ALWAYS,
                false), MultiOptions.DEFAULTS);
        FetchEngine events = engine(new ObservingFetchInterceptor(observations, null, null, AttemptObservations.NEVER,
                false), MultiOptions.DEFAULTS);

        succeeds(children.fetch(FetchRequest.builder(this.server.url("/children/a")).followRedirects().build()));
        succeeds(events.fetch(FetchRequest.builder(this.server.url("/events/a")).followRedirects().build()));

        eventually().until(() -> prometheus.find(FETCH).timers().stream().mapToLong(Timer::count).sum() == 2);
        assertThat(prometheus.find(ATTEMPT).timers()).extracting((t) -> t.getId().getTag("status") + " " + t.count())
            .containsExactlyInAnyOrder("302 1", "200 1");
        assertThat(prometheus.find(FETCH + "." + ObservedFetch.RESEND_EVENT).counter()).isNotNull()
            .extracting((counter) -> counter.count())
            .isEqualTo(1.0);
        assertThat(prometheus.scrape()).contains("http_client_requests_attempt_seconds_count",
                "http_client_requests_resend_total");
    }

    @Test
    void whenAttemptsAreNotObservedThenEachExtraAttemptIsAnEventOnTheFetch() throws Exception {
        this.server.dispatcher((i, r) -> switch (r.target()) {
            case "/a" -> script().sendResponse(302, Map.of("Location", "/b", "Content-Length", "0"), "");
            case "/b" -> script().sendResponse(307, Map.of("Location", "/c", "Content-Length", "0"), "");
            default -> ok("c");
        });
        FetchEngine engine = engine(attempts(AttemptObservations.NEVER, true), MultiOptions.DEFAULTS);

        succeeds(engine.fetch(FetchRequest.builder(this.server.url("/a")).followRedirects().build()));

        awaitStopped(FETCH, 1);
        assertThat(this.log.of("event", FETCH)).extracting(ObservationLog.Entry::detail)
            .containsExactly(ObservedFetch.RESEND_EVENT + " 2 " + this.server.url("/b"),
                    ObservedFetch.RESEND_EVENT + " 3 " + this.server.url("/c"));
        assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo(ATTEMPT, 0);
    }

    @Test
    void whenFetchFailsThenItsObservationHasTheErrorAndNoStatus() throws Exception {
        this.server.dispatcher((i, r) -> script().stall());
        FetchEngine engine = engine(this.registry, MultiOptions.DEFAULTS);

        fails(engine.fetch(FetchRequest.builder(this.server.url("/u:p@stall")).timeout(Duration.ofMillis(200)).build()));

        awaitStopped(FETCH, 1);
        assertThat(this.registry).hasObservationWithNameEqualTo(FETCH)
            .that()
            .hasError()
            .hasLowCardinalityKeyValue("status", "CLIENT_ERROR")
            .hasLowCardinalityKeyValue("outcome", "UNKNOWN")
            .hasLowCardinalityKeyValue("exception", "FetchException")
            .hasLowCardinalityKeyValue("uri", "none");
    }

    @Test
    void whenTracedThenTheOriginGetsOneTraceparentOfTheCallersTraceAndTheFetchsSpan() throws Exception {
        traced();
        this.server.dispatcher((i, r) -> ok("traced"));
        FetchEngine engine = engine(this.registry, MultiOptions.DEFAULTS);
        Observation caller = Observation.start("caller", this.registry);
        CompletableFuture<FetchResponse> fetch;
        try (Observation.Scope scope = caller.openScope()) {
            fetch = engine.fetch(FetchRequest.get(this.server.url("/traced")));
        }

        succeeds(fetch);

        awaitStopped(FETCH, 1);
        caller.stop();
        List<String> sent = this.server.awaitRequests(1).get(0).headers("traceparent");
        assertThat(sent).hasSize(1);
        Matcher traceparent = TRACEPARENT.matcher(sent.get(0));
        assertThat(traceparent.matches()).as(sent.get(0)).isTrue();
        SimpleSpan callerSpan = span("caller");
        SimpleSpan fetchSpan = span("http get");
        assertThat(traceparent.group(1)).isEqualTo(W3cPropagator.traceId(callerSpan.getTraceId()));
        assertThat(traceparent.group(2)).isEqualTo(fetchSpan.getSpanId());
        assertThat(fetchSpan.getParentId()).isEqualTo(callerSpan.getSpanId());
        assertThat(fetchSpan.getKind()).isEqualTo(Span.Kind.CLIENT);
        assertThat(this.tracer.getSpans()).extracting(SimpleSpan::getName).containsExactlyInAnyOrder("caller", "http get");
    }

    @Test
    void whenCallerSetATraceparentThenItIsReplacedNotDuplicated() throws Exception {
        traced();
        this.server.dispatcher((i, r) -> ok("traced"));
        FetchEngine engine = engine(this.registry, MultiOptions.DEFAULTS);

        FetchRequest request = FetchRequest.builder(this.server.url("/traced"))
            .header("TraceParent", "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00")
            .build();

        succeeds(Observation.createNotStarted("caller", this.registry).observe(() -> engine.fetch(request)));

        awaitStopped(FETCH, 1);
        List<String> sent = this.server.awaitRequests(1).get(0).headers("traceparent");
        assertThat(sent).hasSize(1);
        SimpleSpan fetchSpan = span("http get");
        assertThat(sent.get(0)).matches(TRACEPARENT)
            .startsWith("00-" + W3cPropagator.traceId(fetchSpan.getTraceId()) + "-" + fetchSpan.getSpanId() + "-");
    }

    @Test
    void whenRegistryIsNoopOrTurnsTheObservationOffThenNoObservationAndNoTraceparent() throws Exception {
        this.server.dispatcher((i, r) -> ok("plain"));
        traced();
        this.registry.observationConfig().observationPredicate((name, context) -> !name.startsWith("http.client"));
        FetchEngine noop = engine(ObservationRegistry.NOOP, MultiOptions.DEFAULTS);
        FetchEngine off = engine(this.registry, MultiOptions.DEFAULTS);

        succeeds(noop.fetch(FetchRequest.get(this.server.url("/noop"))));
        succeeds(off.fetch(FetchRequest.get(this.server.url("/off"))));

        assertThat(this.server.awaitRequests(2)).allSatisfy((r) -> assertThat(r.headers("traceparent")).isEmpty());
        assertThat(new ObservingFetchInterceptor(ObservationRegistry.NOOP).intercept(FetchRequest.get("http://x/")))
            .isNull();
        assertThat(this.registry).doesNotHaveAnyObservation();
    }

    @Test
    void whenFetchedInsideAParentThenItKeepsThatParentThoughItStopsOnAnotherThread() throws Exception {
        this.server.dispatcher((i, r) -> script().pause(Duration.ofMillis(50)).then(ok("later")));
        FetchEngine engine = engine(attempts(AttemptObservations.ALWAYS, false), MultiOptions.DEFAULTS);
        Observation parent = Observation.createNotStarted("parent", this.registry);

        CompletableFuture<FetchResponse> fetch = parent
            .observe(() -> engine.fetch(FetchRequest.get(this.server.url("/child"))));
        succeeds(fetch);

        awaitStopped(FETCH, 1);
        awaitStopped(ATTEMPT, 1);
        ObservationLog.Entry stop = this.log.of("stop", FETCH).get(0);
        assertThat(stop.thread()).isNotEqualTo(Thread.currentThread().getName());
        assertThat(stop.context().getParentObservation()).isSameAs(parent);
        assertThat(this.log.of("start", ATTEMPT).get(0).thread()).startsWith("multifetch-selector");
        assertThat(this.registry).hasObservationWithNameEqualTo(FETCH).that().hasParentObservationEqualTo(parent);
        assertThat(this.registry).doesNotHaveAnyRemainingCurrentObservation();
    }

    @Test
    void whenRedirectedThenOneChildPerHopEachWithItsOwnSpan() throws Exception {
        traced();
        this.server.dispatcher((i, r) -> switch (r.target()) {
            case "/a" -> script().sendResponse(302, Map.of("Location", "/b", "Content-Length", "0"), "");
            case "/b" -> script().sendResponse(307, Map.of("Location", "/c", "Content-Length", "0"), "");
            default -> ok("c");
        });
        FetchEngine engine = engine(this.registry, MultiOptions.DEFAULTS);

        succeeds(engine.fetch(FetchRequest.builder(this.server.url("/a")).followRedirects().build()));

        awaitStopped(FETCH, 1);
        awaitStopped(ATTEMPT, 3);
        List<FetchAttemptObservationContext> hops = this.log.of("stop", ATTEMPT)
            .stream()
            .map((e) -> (FetchAttemptObservationContext) e.context())
            .toList();
        assertThat(hops).extracting((hop) -> hop.getAttempt() + " " + hop.getUrl().replace(this.server.url(""), "")
                + " " + hop.getStatus() + " " + hop.getHighCardinalityKeyValues().stream()
                    .filter((kv) -> kv.getKey().equals("http.request.resend_count")).map((kv) -> kv.getValue()).toList())
            .containsExactly("1 /a 302 []", "2 /b 307 [1]", "3 /c 200 [2]");
        assertThat(hops).allSatisfy((hop) -> assertThat(hop.getParentObservation().getContextView().getName()).isEqualTo(FETCH));
        String fetchSpanId = span("http get").getSpanId();
        List<SimpleSpan> attemptSpans = this.tracer.getSpans().stream().filter((s) -> s.getName().equals("http get attempt")).toList();
        assertThat(attemptSpans).hasSize(3).allSatisfy((s) -> assertThat(s.getParentId()).isEqualTo(fetchSpanId));
        assertThat(attemptSpans).extracting(SimpleSpan::getSpanId).doesNotHaveDuplicates();
        // each hop's request carries its own attempt's span, in the fetch's trace
        for (ScriptedServer.RecordedRequest hop : this.server.awaitRequests(3)) {
            List<String> sent = hop.headers("traceparent");
            assertThat(sent).as(hop.target()).hasSize(1);
            Matcher traceparent = TRACEPARENT.matcher(sent.get(0));
            assertThat(traceparent.matches()).as(sent.get(0)).isTrue();
            SimpleSpan hopSpan = attemptSpans.stream()
                .filter((s) -> s.getTags().getOrDefault("http.url", "").endsWith(hop.target()))
                .findFirst()
                .orElseThrow();
            assertThat(traceparent.group(2)).as(hop.target()).isEqualTo(hopSpan.getSpanId());
            assertThat(traceparent.group(1)).isEqualTo(W3cPropagator.traceId(hopSpan.getTraceId()));
        }
    }

    @Test
    void whenAFetchWaitsForAConnectionSlotThenItsObservationSaysHowLong() throws Exception {
        this.server.dispatcher((i, r) -> script().pause(Duration.ofMillis(200)).then(ok("slow")));
        FetchEngine engine = engine(this.registry, MultiOptions.builder().maxHostConnections(1).build());

        CompletableFuture<FetchResponse> first = engine.fetch(FetchRequest.get(this.server.url("/1")));
        CompletableFuture<FetchResponse> second = engine.fetch(FetchRequest.get(this.server.url("/2")));
        succeeds(first);
        succeeds(second);

        awaitStopped(FETCH, 2);
        List<ObservationLog.Entry> queued = this.log.of("event", FETCH);
        assertThat(queued).hasSize(1);
        assertThat(queued.get(0).detail()).startsWith(ObservedFetch.QUEUED_EVENT + " ");
        double ms = Double.parseDouble(queued.get(0).detail().split(" ")[1]);
        assertThat(ms).isGreaterThan(100);
    }

    @Test
    void whenAThousandPathsShareATemplateThenOneTimerSeriesPerMethodStatusAndOutcome() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        this.server.dispatcher((i, r) -> (Integer.parseInt(r.target().substring("/items/".length())) % 2 == 0)
                ? ok("item") : script().sendResponse(404, Map.of("Content-Length", "0"), ""));
        FetchEngine engine = engine(observations, MultiOptions.DEFAULTS);

        List<CompletableFuture<FetchResponse>> fetches = IntStream.range(0, 1000)
            .mapToObj((i) -> engine.fetch(FetchRequest.builder(this.server.url("/items/" + i)).uriTemplate("/items/{id}").build()))
            .toList();
        for (CompletableFuture<FetchResponse> fetch : fetches) {
            succeeds(fetch);
        }

        eventually().until(() -> meters.find(FETCH).timers().stream().mapToLong(Timer::count).sum() == 1000);
        assertThat(meters.find(FETCH).timers()).extracting((t) -> t.getId().getTag("method") + " " + t.getId().getTag("status")
                + " " + t.getId().getTag("outcome") + " " + t.getId().getTag("uri") + " " + t.count())
            .containsExactlyInAnyOrder("GET 200 SUCCESS /items/{id} 500", "GET 404 CLIENT_ERROR /items/{id} 500");
        assertThat(meters.find(ATTEMPT).timers()).isEmpty();
    }
}
