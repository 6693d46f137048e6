package dev.multifetch.autoconfigure.observation;

import java.util.Objects;

import dev.multifetch.autoconfigure.http.BridgedFetches;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchInterceptor;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.RetryPolicy;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Makes each fetch on a {@link FetchEngine} one observation ({@code http.client.requests}, see
 * {@link FetchObservationDocumentation}) with, as {@link AttemptObservations} says (by default for
 * fetches that follow redirects or may be retried), one child per attempt. Set it with
 * {@link FetchEngine.Builder#interceptor}; the auto-configured engine gets it when the context has
 * an {@link ObservationRegistry}.
 *
 * <p>The fetch's observation starts on the thread calling {@code fetch}, a child of that thread's
 * current observation, and its propagation (with a tracer, {@code traceparent}) writes header
 * fields the engine sets on the request. Attempts are observed on the engine's selector thread
 * with the fetch's observation as their explicit parent, and the fetch's stops on the thread that
 * completes its future; neither opens a scope, so nothing is ever current on the selector thread.
 * A fetch whose observation is a no-op (a no-op registry: one check; one the registry's predicates
 * turn off: the check and its context) is otherwise left alone, and so is a fetch made by the
 * RestClient or WebClient bridge ({@link BridgedFetches}), which Spring observes itself.
 * Thread-safe.
 */
public final class ObservingFetchInterceptor implements FetchInterceptor {

    private static final FetchObservationConvention DEFAULT_CONVENTION = new DefaultFetchObservationConvention();

    private static final FetchAttemptObservationConvention DEFAULT_ATTEMPT_CONVENTION =
            new DefaultFetchAttemptObservationConvention();

    private final ObservationRegistry registry;

    private final FetchObservationConvention convention;

    private final FetchAttemptObservationConvention attemptConvention;

    private final AttemptObservations attempts;

    private final boolean engineRetries;

    /**
     * An interceptor that observes fetches in {@code registry} with the default conventions, a
     * child per attempt for fetches that follow redirects or have retries of their own.
     */
    public ObservingFetchInterceptor(ObservationRegistry registry) {
        this(registry, null, null);
    }

    /**
     * An interceptor that observes fetches in {@code registry}, named and tagged by
     * {@code convention} and {@code attemptConvention}, or the defaults where {@code null}, a child
     * per attempt for fetches that follow redirects or have retries of their own.
     */
    public ObservingFetchInterceptor(ObservationRegistry registry, FetchObservationConvention convention,
            FetchAttemptObservationConvention attemptConvention) {
        this(registry, convention, attemptConvention, AttemptObservations.REPEATABLE, false);
    }

    /**
     * An interceptor that observes fetches in {@code registry}, named and tagged by
     * {@code convention} and {@code attemptConvention}, or the defaults where {@code null}, with
     * children per attempt as {@code attempts} says; {@code engineRetries} tells it that the engine's
     * own retry policy retries, so that with {@link AttemptObservations#REPEATABLE} every fetch not
     * setting its own retries gets them.
     */
    public ObservingFetchInterceptor(ObservationRegistry registry, FetchObservationConvention convention,
            FetchAttemptObservationConvention attemptConvention, AttemptObservations attempts, boolean engineRetries) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.convention = convention;
        this.attemptConvention = attemptConvention;
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.engineRetries = engineRetries;
    }

    @Override
    public Interception intercept(FetchRequest request) {
        if (BridgedFetches.inProgress()) {
            return null;
        }
        Observation observation = FetchObservationDocumentation.FETCH.observation(this.convention, DEFAULT_CONVENTION,
                () -> new FetchObservationContext(request), this.registry);
        if (observation.isNoop()) {
            return null;
        }
        observation.parentObservation(this.registry.getCurrentObservation()).start();
        return new ObservedFetch(this, observation, observesAttempts(request));
    }

    /** Whether the fetch of {@code request} gets a child observation per attempt. */
    private boolean observesAttempts(FetchRequest request) {
        return switch (this.attempts) {
            case ALWAYS -> true;
            case NEVER -> false;
            case REPEATABLE -> request.followRedirects() || retries(request);
        };
    }

    /** Whether {@code request} may be retried: its own retries, else its own policy's, else the engine's. */
    private boolean retries(FetchRequest request) {
        if (request.retries() >= 0) {
            return request.retries() > 0;
        }
        RetryPolicy policy = request.retry();
        return (policy != null) ? policy.maxRetries() > 0 : this.engineRetries;
    }

    /** A not yet started observation of one attempt. */
    Observation attempt(FetchAttemptObservationContext context) {
        return FetchObservationDocumentation.ATTEMPT.observation(this.attemptConvention, DEFAULT_ATTEMPT_CONVENTION,
                () -> context, this.registry);
    }
}
