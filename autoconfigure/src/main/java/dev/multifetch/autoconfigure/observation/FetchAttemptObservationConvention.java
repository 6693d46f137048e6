package dev.multifetch.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observation of one attempt of a fetch. A bean of this type replaces
 * {@link DefaultFetchAttemptObservationConvention}.
 */
public interface FetchAttemptObservationConvention extends ObservationConvention<FetchAttemptObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof FetchAttemptObservationContext;
    }
}
