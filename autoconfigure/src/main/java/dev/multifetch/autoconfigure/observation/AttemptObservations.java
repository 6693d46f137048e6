package dev.multifetch.autoconfigure.observation;

/**
 * Which fetches get a child observation ({@code http.client.requests.attempt}) per attempt. Each
 * child is a timer and, with a tracer, a span, started and stopped on the engine's selector
 * thread: for a fetch of one attempt it repeats its parent and about doubles what observing the
 * fetch costs, so by default only fetches that can take more than one attempt get them.
 */
public enum AttemptObservations {

    /** Every fetch: a child per attempt, the first included. */
    ALWAYS,

    /**
     * Fetches that follow redirects or may be retried (the request's own retries, or the engine's
     * when the interceptor is told the engine retries): a child per attempt, the first included.
     * Another fetch that takes a second attempt anyway (a request sent again on a fresh connection
     * after a kept-alive one was found closed, an authentication round) gets an {@code attempt}
     * event per extra attempt on its own observation instead.
     */
    REPEATABLE,

    /** No fetch: extra attempts are {@code resend} events on the fetch's observation. */
    NEVER
}
