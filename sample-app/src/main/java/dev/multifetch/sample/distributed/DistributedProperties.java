package dev.multifetch.sample.distributed;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How this instance takes batches when they run on Kafka ({@code multifetch.kafka.enabled=true}),
 * bound from {@code multifetch.sample.distributed.*}.
 */
@ConfigurationProperties("multifetch.sample.distributed")
public class DistributedProperties {

    /**
     * Most requests of one batch to one host (one politeness key): a batch with more is a 400. One
     * host's jobs all run on one worker at its pace, so a batch heavy on one host mostly waits.
     */
    private int maxJobsPerHost = 50;

    /** How long a stream of a batch's results (POST /api/batch, or a resume) waits for them all. */
    private Duration resultsTimeout = Duration.ofMinutes(5);

    /** How long submitting a batch may wait for the broker to take its jobs before it is a 503. */
    private Duration submitTimeout = Duration.ofSeconds(30);

    public int getMaxJobsPerHost() {
        return this.maxJobsPerHost;
    }

    public void setMaxJobsPerHost(int maxJobsPerHost) {
        this.maxJobsPerHost = maxJobsPerHost;
    }

    public Duration getResultsTimeout() {
        return this.resultsTimeout;
    }

    public void setResultsTimeout(Duration resultsTimeout) {
        this.resultsTimeout = resultsTimeout;
    }

    public Duration getSubmitTimeout() {
        return this.submitTimeout;
    }

    public void setSubmitTimeout(Duration submitTimeout) {
        this.submitTimeout = submitTimeout;
    }
}
