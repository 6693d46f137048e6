package dev.multifetch.autoconfigure.observation;

import dev.multifetch.autoconfigure.http.BridgedFetches;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchInterceptor;
import dev.multifetch.core.FetchRequest;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Makes each fetch on a {@link FetchEngine} one observation ({@code http.client.requests}, see
 * {@link FetchObservationDocumentation}) with one child per attempt. Set it with
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

    /** An interceptor that observes fetches in {@code registry} with the default conventions. */
    public ObservingFetchInterceptor(ObservationRegistry registry) {
        this(registry, null, null);
    }

    /**
     * An interceptor that observes fetches in {@code registry}, named and tagged by
     * {@code convention} and {@code attemptConvention}, or the defaults where {@code null}.
     */
    public ObservingFetchInterceptor(ObservationRegistry registry, FetchObservationConvention convention,
            FetchAttemptObservationConvention attemptConvention) {
        this.registry = registry;
        this.convention = convention;
        this.attemptConvention = attemptConvention;
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
        return new ObservedFetch(this, observation);
    }

    /** A not yet started observation of one attempt. */
    Observation attempt(FetchAttemptObservationContext context) {
        return FetchObservationDocumentation.ATTEMPT.observation(this.attemptConvention, DEFAULT_ATTEMPT_CONVENTION,
                () -> context, this.registry);
    }
}
