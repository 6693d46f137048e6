package dev.multifetch.autoconfigure.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of the engine's fetches, named and tagged as Spring's HTTP client observation
 * ({@code ClientHttpObservationDocumentation}), so that a fetch on the engine and a RestClient call
 * land in the same timer and look alike in a trace.
 */
public enum FetchObservationDocumentation implements ObservationDocumentation {

    /** One fetch, from {@code FetchEngine.fetch} until its future completes: queue, every attempt and wait included. */
    FETCH {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultFetchObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeyNames.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return new KeyName[] { HighCardinalityKeyNames.HTTP_URL };
        }
    },

    /** One attempt of a fetch (the first request, a redirect hop, a retry, a repeat), a child of the fetch's. */
    ATTEMPT {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultFetchAttemptObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeyNames.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return HighCardinalityKeyNames.values();
        }
    };

    /** Keys of bounded cardinality: they tag the timers. */
    public enum LowCardinalityKeyNames implements KeyName {

        /** The request method, such as {@code GET}. */
        METHOD("method"),

        /** The request's URI template ({@code FetchRequest.uriTemplate()}) without scheme and host, or {@code none}. */
        URI("uri"),

        /** The response status, or {@code CLIENT_ERROR} when no response arrived. */
        STATUS("status"),

        /** The host of the URL, or {@code none}. */
        CLIENT_NAME("client.name"),

        /** The simple class name of the failure, or {@code none}. */
        EXCEPTION("exception"),

        /** {@code SUCCESS}, {@code INFORMATIONAL}, {@code REDIRECTION}, {@code CLIENT_ERROR}, {@code SERVER_ERROR}, or {@code UNKNOWN} without a response. */
        OUTCOME("outcome");

        private final String key;

        LowCardinalityKeyNames(String key) {
            this.key = key;
        }

        @Override
        public String asString() {
            return this.key;
        }
    }

    /** Keys of unbounded cardinality: span tags only. */
    public enum HighCardinalityKeyNames implements KeyName {

        /** The full URL, without user information. */
        HTTP_URL("http.url"),

        /** How many times the request was sent before this attempt (OpenTelemetry's name); only on attempts after the first. */
        RESEND_COUNT("http.request.resend_count");

        private final String key;

        HighCardinalityKeyNames(String key) {
            this.key = key;
        }

        @Override
        public String asString() {
            return this.key;
        }
    }
}
