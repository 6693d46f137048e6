package dev.multifetch.autoconfigure.observation;

import dev.multifetch.autoconfigure.observation.FetchObservationDocumentation.HighCardinalityKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The convention for one attempt of a fetch: the observation {@value #NAME}, the span
 * {@code http get attempt}, with the fetch's low-cardinality keys ({@code client.name} the hop's
 * host, {@code status} the attempt's); high-cardinality {@code http.url} (the hop's URL) and, from
 * the second attempt on, {@code http.request.resend_count}.
 */
public class DefaultFetchAttemptObservationConvention implements FetchAttemptObservationConvention {

    /** The observation's name: under the fetch's, so one {@code management.observations.enable} prefix covers both. */
    public static final String NAME = DefaultFetchObservationConvention.NAME + ".attempt";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(FetchAttemptObservationContext context) {
        return ClientKeyValues.contextualName(context.getRequest().method()) + " attempt";
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(FetchAttemptObservationContext context) {
        return ClientKeyValues.lowCardinality(context.getRequest(), context.getStatus(), context.getHost(),
                context.getError());
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(FetchAttemptObservationContext context) {
        KeyValues url = KeyValues.of(ClientKeyValues.httpUrl(context.getUrl()));
        return (context.getAttempt() > 1)
                ? url.and(HighCardinalityKeyNames.RESEND_COUNT.withValue(Integer.toString(context.getAttempt() - 1))) : url;
    }
}
