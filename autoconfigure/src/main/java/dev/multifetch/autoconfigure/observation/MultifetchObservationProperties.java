package dev.multifetch.autoconfigure.observation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Observation of the fetches made on the engine itself, under {@code multifetch.observations}.
 */
@ConfigurationProperties("multifetch.observations")
public class MultifetchObservationProperties {

    /**
     * Whether each fetch made on the engine (not through the RestClient or WebClient bridges,
     * which Spring observes) is an http.client.requests observation, with a child per attempt,
     * whose propagation writes traceparent into the request. Takes effect when the application
     * has an ObservationRegistry.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
