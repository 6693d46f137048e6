package dev.multifetch.autoconfigure.observation;

import java.time.Duration;
import java.util.Map;

import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchInterceptor;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Timings;
import io.micrometer.observation.Observation;

/**
 * One fetch's observation, started (by {@link ObservingFetchInterceptor}) on the thread that
 * called {@code fetch}, and its attempts'. The attempt methods run on the engine's selector thread
 * only, one attempt at a time (so {@link #attempt} needs no lock): when attempts are observed each
 * is a child observation with the fetch's as explicit parent, started and stopped without a scope;
 * when they are not, each attempt after the first is a {@link #RESEND_EVENT} event on the fetch's
 * (not "attempt": a meter handler counts an event as {@code <name>.<event>}, which would clash
 * with the attempts' own timer, {@code http.client.requests.attempt}).
 * {@link #completed} runs once, on the thread completing the future, and may run before the
 * last attempt has ended (a cancelled fetch): the fetch's observation stops then and the attempt's
 * when the engine ends it.
 */
final class ObservedFetch implements FetchInterceptor.Interception {

    /** The event on the fetch's observation, at its end, when it waited for a connection slot or pacing. */
    static final String QUEUED_EVENT = "queued";

    /** The event on the fetch's observation for each attempt after the first when attempts have no child. */
    static final String RESEND_EVENT = "resend";

    private final ObservingFetchInterceptor interceptor;

    private final Observation observation;

    private final FetchObservationContext context;

    private final boolean observesAttempts;

    /** The attempt under way, or null: the selector thread's alone. */
    private Observation attempt;

    ObservedFetch(ObservingFetchInterceptor interceptor, Observation observation, boolean observesAttempts) {
        this.interceptor = interceptor;
        this.observation = observation;
        this.context = (FetchObservationContext) observation.getContext();
        this.observesAttempts = observesAttempts;
    }

    /** The fields the propagation wrote into the context's carrier when the observation started. */
    @Override
    public Map<String, String> headers() {
        return this.context.getCarrier();
    }

    @Override
    public void attemptStarted(int attempt, String url) {
        assert this.attempt == null : "attempt " + attempt + " started while another runs";
        if (!this.observesAttempts) {
            if (attempt > 1) {
                this.observation.event(Observation.Event.of(RESEND_EVENT,
                        RESEND_EVENT + " " + attempt + " " + ClientKeyValues.withoutUserInfo(url)));
            }
            return;
        }
        FetchAttemptObservationContext attemptContext = new FetchAttemptObservationContext(this.context.getRequest(),
                this.context.getHost(), attempt, url);
        this.attempt = this.interceptor.attempt(attemptContext).parentObservation(this.observation).start();
    }

    /** The fields the attempt's propagation wrote (its own {@code traceparent}), when attempts are observed. */
    @Override
    public Map<String, String> attemptHeaders() {
        Observation current = this.attempt;
        if (current != null && current.getContext() instanceof FetchAttemptObservationContext attemptContext) {
            return attemptContext.getCarrier();
        }
        return Map.of();
    }

    @Override
    public void attemptEnded(int attempt, int status, FetchException failure) {
        Observation ended = this.attempt;
        if (ended == null) {
            return;
        }
        this.attempt = null;
        if (ended.getContext() instanceof FetchAttemptObservationContext attemptContext) {
            attemptContext.setStatus(status);
        }
        if (failure != null) {
            ended.error(failure);
        }
        ended.stop();
    }

    @Override
    public void completed(FetchResponse response, Throwable failure) {
        if (response != null) {
            this.context.setResponse(response);
            queued(response.timings());
        }
        if (failure != null) {
            this.observation.error(failure);
        }
        this.observation.stop();
    }

    /** Tells the observation how long the fetch waited for a connection slot and for pacing, if it did. */
    private void queued(Timings timings) {
        Duration queue = (timings != null) ? timings.queue() : Duration.ZERO;
        if (!queue.isZero()) {
            this.observation.event(Observation.Event.of(QUEUED_EVENT,
                    QUEUED_EVENT + " " + (queue.toNanos() / 1_000) / 1_000.0 + " ms"));
        }
    }
}
