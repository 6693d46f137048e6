package dev.multifetch.autoconfigure.observation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Observation of the fetches made on the engine itself, under {@code multifetch.observations}.
 */
@ConfigurationProperties("multifetch.observations")
public class MultifetchObservationProperties {

    /**
     * Whether each fetch made on the engine (not through the RestClient or WebClient bridges,
     * which Spring observes) is an http.client.requests observation, with children per attempt
     * as "attempts" says, whose propagation writes traceparent into the request. Takes effect when the application
     * has an ObservationRegistry.
     */
    private boolean enabled = true;

    /**
     * Which fetches get a child observation (http.client.requests.attempt, a timer and a span) per
     * attempt: "repeatable" (fetches that follow redirects or may be retried, by their own
     * retries or multifetch.retry.max-retries), "always", or "never". Other fetches note each
     * extra attempt as a "resend" event. A child per attempt about doubles what observing a
     * fetch costs.
     */
    private AttemptObservations attempts = AttemptObservations.REPEATABLE;

    public AttemptObservations getAttempts() {
        return this.attempts;
    }

    public void setAttempts(AttemptObservations attempts) {
        this.attempts = attempts;
    }

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
