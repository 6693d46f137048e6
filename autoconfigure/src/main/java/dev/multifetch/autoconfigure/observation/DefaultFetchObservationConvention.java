package dev.multifetch.autoconfigure.observation;

import dev.multifetch.core.FetchResponse;
import io.micrometer.common.KeyValues;

/**
 * Spring's HTTP client convention for a fetch on the engine: the observation {@value #NAME}, the
 * span {@code http get}; low-cardinality {@code method}, {@code uri} (the request's URI template, or
 * {@code none}), {@code status}, {@code outcome}, {@code client.name} (the host) and
 * {@code exception}; high-cardinality {@code http.url}.
 */
public class DefaultFetchObservationConvention implements FetchObservationConvention {

    /** The observation's name, and so the timer's: Spring's for HTTP clients. */
    public static final String NAME = "http.client.requests";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(FetchObservationContext context) {
        return ClientKeyValues.contextualName(context.getRequest().method());
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(FetchObservationContext context) {
        FetchResponse response = context.getResponse();
        int status = (response != null) ? response.status() : 0;
        return ClientKeyValues.lowCardinality(context.getRequest(), status, context.getHost(), context.getError());
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(FetchObservationContext context) {
        return KeyValues.of(ClientKeyValues.httpUrl(context.getRequest().url()));
    }
}
