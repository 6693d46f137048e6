package dev.multifetch.autoconfigure.observation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchInterceptor;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.Transfer;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.multifetch.autoconfigure.observation.ObservingFetchInterceptorTests.ATTEMPT;
import static dev.multifetch.autoconfigure.observation.ObservingFetchInterceptorTests.FETCH;
import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ten thousand fetches, each a success, a timeout or a cancel, observed in a
 * {@link TestObservationRegistry}: its validator throws at any lifecycle error (a second stop, an
 * error or event after the stop, low-cardinality keys that differ between observations of one
 * name), and a listener on the selector thread checks that no observation is ever current there.
 */
@Timeout(240)
class ManyFetchesObservationTests {

    private static final int FETCHES = 10_000;

    private static final int WAVE = 1_000;

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final ScriptedServer server = this.loopback.server();

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private final ObservationLog log = new ObservationLog();

    /** Whatever the interception's calls threw (core only logs it). */
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @Test
    void whenTenThousandMixedFetchesRunThenNoLifecycleErrorAndNothingIsCurrentOnTheSelector() {
        this.registry.observationConfig().observationHandler(this.log);
        this.server.dispatcher((i, r) -> r.target().equals("/slow")
                ? script().pause(Duration.ofMillis(300)).then(ok("late")) : ok("ok"));
        AtomicInteger heard = new AtomicInteger();
        AtomicInteger currentOnSelector = new AtomicInteger();
        FetchListener probe = new SelectorProbe(() -> {
            heard.incrementAndGet();
            if (this.registry.getCurrentObservation() != null) {
                currentOnSelector.incrementAndGet();
            }
        });
        FetchEngine engine = this.loopback.closeAfter(FetchEngine.builder()
            .options(MultiOptions.builder().maxHostConnections(32).listener(probe).build())
            .interceptor(recording(new ObservingFetchInterceptor(this.registry, null, null, AttemptObservations.ALWAYS, false)))
            .build());

        for (int wave = 0; wave < FETCHES; wave += WAVE) {
            List<CompletableFuture<FetchResponse>> fetches = new ArrayList<>();
            for (int i = wave; i < wave + WAVE; i++) {
                fetches.add(mixed(engine, i));
            }
            CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).exceptionally((failure) -> null).join();
        }

        eventually().atMost(Duration.ofSeconds(30)).until(() -> this.log.stopped(FETCH) == FETCHES
                && this.log.stopped(ATTEMPT) == this.log.of("start", ATTEMPT).size());
        assertThat(this.failures).isEmpty();
        assertThat(currentOnSelector).hasValue(0);
        assertThat(heard.get()).isGreaterThan(FETCHES / 2);
        Map<String, Long> exceptions = this.log.of("stop", FETCH)
            .stream()
            .collect(Collectors.groupingBy((e) -> e.context().getLowCardinalityKeyValue("exception").getValue(),
                    Collectors.counting()));
        assertThat(exceptions).containsOnlyKeys("none", "FetchException", "CancellationException");
        assertThat(this.registry).doesNotHaveAnyRemainingCurrentObservation();
    }

    /** Fetch {@code i}: one in ten times out, one in ten is cancelled at once, the rest succeed. */
    private CompletableFuture<FetchResponse> mixed(FetchEngine engine, int i) {
        return switch (i % 10) {
            case 0 -> engine.fetch(FetchRequest.builder(this.server.url("/slow")).timeout(Duration.ofMillis(30)).build());
            case 1 -> {
                CompletableFuture<FetchResponse> fetch = engine.fetch(FetchRequest.get(this.server.url("/ok")));
                fetch.cancel(true);
                yield fetch;
            }
            default -> engine.fetch(FetchRequest.get(this.server.url("/ok")));
        };
    }

    /** {@code interceptor}, with whatever its interceptions throw recorded in {@link #failures}. */
    private FetchInterceptor recording(FetchInterceptor interceptor) {
        return (request) -> {
            FetchInterceptor.Interception inner = recorded(() -> interceptor.intercept(request));
            return (inner == null) ? null : new FetchInterceptor.Interception() {
                @Override
                public Map<String, String> headers() {
                    return inner.headers();
                }

                @Override
                public void attemptStarted(int attempt, String url) {
                    recorded(() -> {
                        inner.attemptStarted(attempt, url);
                        return null;
                    });
                }

                @Override
                public void attemptEnded(int attempt, int status, FetchException failure) {
                    recorded(() -> {
                        inner.attemptEnded(attempt, status, failure);
                        return null;
                    });
                }

                @Override
                public void completed(FetchResponse response, Throwable failure) {
                    recorded(() -> {
                        inner.completed(response, failure);
                        return null;
                    });
                }
            };
        };
    }

    private <T> T recorded(Supplier<T> call) {
        try {
            return call.get();
        }
        catch (RuntimeException | AssertionError ex) {
            this.failures.add(ex);
            throw ex;
        }
    }

    /** Runs {@code check} on the selector thread at several points of every transfer. */
    private record SelectorProbe(Runnable check) implements FetchListener {

        @Override
        public void requestSent(Transfer transfer, long bytes) {
            this.check.run();
        }

        @Override
        public void transferDone(Transfer transfer, FetchResponse response) {
            this.check.run();
        }

        @Override
        public void transferFailed(Transfer transfer, FetchException failure) {
            this.check.run();
        }
    }
}
