package dev.multifetch.autoconfigure.kafka;

import java.util.Locale;

/**
 * What a {@link FetchJobHandler} made of a job: how it ended and the result to publish (any value
 * the worker's JSON mapper can write). A target that failed, timed out or was refused is an
 * outcome like any other, never an exception.
 *
 * @param kind how the job ended
 * @param result what to publish as the job's result
 */
public record JobOutcome(Kind kind, Object result) {

    /** How a job ended; the {@code outcome} tag of {@code multifetch.kafka.jobs.completed}. */
    public enum Kind {
        /** The target answered with a status below 400. */
        SUCCESS,
        /** The target answered with a status of 400 or more. */
        HTTP_ERROR,
        /** The transfer failed: no connection, a timeout, a protocol error. */
        FETCH_ERROR,
        /** The worker refused the URL (the SSRF guard or another policy): nothing was fetched. */
        REFUSED,
        /** The job's request was not one the handler can run: nothing was fetched. */
        INVALID;

        /** The tag value: lower case. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
