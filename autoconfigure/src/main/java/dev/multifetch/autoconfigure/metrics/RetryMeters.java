package dev.multifetch.autoconfigure.metrics;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.RetryStop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The retry meters of {@link MetricsFetchListener}, fed by the engine's retry events and finished
 * transfers: {@value #RETRIES} (counter) tagged {@code outcome} = {@code scheduled} (an attempt
 * ended and another was scheduled), {@code retried-success} (a transfer that was retried ended
 * with an answer its policy does not retry) or {@code retried-failure} (a transfer that was retried
 * ended with an error, or with an answer still retryable when the retries stopped);
 * {@value #RETRY_STOPPED} (counter: answers of a retryable status handed back without a retry,
 * as {@link FetchResponse#retryStop()} says) tagged {@code reason} = its {@link RetryStop#tag()}:
 * {@code no-retries-left}, {@code budget}, {@code max-retry-after}, {@code max-retry-time} or
 * {@code not-idempotent}; and {@value #RETRY_BACKOFF} (timer: how
 * long transfers waited between two attempts). Every series is registered at zero up front.
 */
final class RetryMeters {

    static final String RETRIES = "multifetch.retries";
    static final String RETRY_STOPPED = "multifetch.retry.stopped";
    static final String RETRY_BACKOFF = "multifetch.retry.backoff";

    private static final String SCHEDULED = "scheduled";
    private static final String RETRIED_SUCCESS = "retried-success";
    private static final String RETRIED_FAILURE = "retried-failure";

    private final Meter.MeterProvider<Counter> retries;
    private final Meter.MeterProvider<Counter> stopped;
    private final Timer backoff;

    RetryMeters(MeterRegistry registry) {
        this.retries = Counter.builder(RETRIES)
            .description("Retries scheduled, and transfers that were retried by how they ended")
            .withRegistry(registry);
        this.stopped = Counter.builder(RETRY_STOPPED)
            .description("Answers of a retryable status handed back without a retry, by why")
            .withRegistry(registry);
        this.backoff = Timer.builder(RETRY_BACKOFF)
            .description("Time transfers waited between two attempts (the backoff, or the server's Retry-After)")
            .register(registry);
        List.of(SCHEDULED, RETRIED_SUCCESS, RETRIED_FAILURE).forEach((outcome) -> this.retries.withTag("outcome", outcome));
        for (RetryStop reason : RetryStop.values()) {
            this.stopped.withTag("reason", reason.tag());
        }
    }

    /** An attempt ended and another was scheduled. */
    void scheduled() {
        this.retries.withTag("outcome", SCHEDULED).increment();
    }

    /** A transfer waited {@code nanos} between two attempts. */
    void waited(long nanos) {
        this.backoff.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A transfer ended with {@code response}: counted if it was retried, or if a retry was refused. */
    void answered(FetchResponse response) {
        if (response.retryStop() != null) {
            this.stopped.withTag("reason", response.retryStop().tag()).increment();
        }
        if (response.attempts() > 1) {
            this.retries.withTag("outcome", (response.retryStop() == null) ? RETRIED_SUCCESS : RETRIED_FAILURE)
                .increment();
        }
    }

    /** A transfer that was retried ended with an error. */
    void failedAfterRetries() {
        this.retries.withTag("outcome", RETRIED_FAILURE).increment();
    }
}
