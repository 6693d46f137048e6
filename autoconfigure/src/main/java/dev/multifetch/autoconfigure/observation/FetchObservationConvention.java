package dev.multifetch.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observation of a fetch. A bean of this type replaces
 * {@link DefaultFetchObservationConvention}.
 */
public interface FetchObservationConvention extends ObservationConvention<FetchObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof FetchObservationContext;
    }
}
