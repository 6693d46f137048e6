package dev.multifetch.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.core.ConditionFactory;

/**
 * Outcomes of fetch futures for tests: the response of one that must succeed, the
 * {@link FetchException} of one that must fail, how long a failure took, and a condition poller.
 * Every wait is bounded by {@link #WAIT}.
 */
public final class Fetches {

    /** The longest any single outcome or condition is waited for. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private Fetches() {
    }

    /** The response; fails the test if the future failed or did not complete within {@link #WAIT}. */
    public static FetchResponse succeeds(CompletableFuture<FetchResponse> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The FetchException the future failed with; fails the test if it succeeded or failed otherwise. */
    public static FetchException fails(CompletableFuture<FetchResponse> future) {
        Throwable thrown = catchThrowable(() -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertThat(thrown).as("outcome of the fetch").isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(FetchException.class);
        return (FetchException) thrown.getCause();
    }

    /** Starts a fetch and measures, with {@code System.nanoTime}, how long until it failed. */
    public static TimedFailure failsTimed(Supplier<CompletableFuture<FetchResponse>> fetch) {
        long start = System.nanoTime();
        CompletableFuture<FetchResponse> future = fetch.get();
        FetchException failure = fails(future);
        return new TimedFailure(failure, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Polls every 10 ms, from the first moment, for up to {@link #WAIT}. */
    public static ConditionFactory eventually() {
        return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(WAIT);
    }

    /** A failure and the time from starting the fetch until its future failed. */
    public record TimedFailure(FetchException failure, Duration elapsed) {

        /** Asserts that the timer behind the failure did not fire early, nor more than 20% late. */
        public TimedFailure firedWithinTwentyPercentOf(Duration setting) {
            assertThat(elapsed).as("time until the fetch failed with %s", failure)
                    .isBetween(setting, setting.multipliedBy(6).dividedBy(5));
            return this;
        }
    }
}
