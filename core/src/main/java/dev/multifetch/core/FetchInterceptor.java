package dev.multifetch.core;

import java.util.Map;

/**
 * A hook around every fetch of a {@link FetchEngine}, with no dependency beyond the JDK: what
 * tracing and observation build on. {@link #intercept} runs on the thread that calls
 * {@link FetchEngine#fetch}, before the request is queued, so it sees that thread's context (a
 * current span, say) and may add header fields (a {@code traceparent}); its {@link Interception}
 * is told of every attempt on the driving thread and of the outcome where the future completes.
 * A throwing interceptor fails that fetch alone, with {@link FetchError#ABORTED_BY_CALLBACK}.
 */
@FunctionalInterface
public interface FetchInterceptor {

    /** One fetch is about to be queued: its interception, or null to leave it alone. */
    Interception intercept(FetchRequest request);

    /** What an interceptor follows of one fetch. */
    interface Interception extends AttemptObserver {

        /** Header fields to set on the request, each replacing any field of the same name. */
        default Map<String, String> headers() {
            return Map.of();
        }

        @Override
        default void attemptStarted(int attempt, String url) {
        }

        @Override
        default void attemptEnded(int attempt, int status, FetchException failure) {
        }

        /**
         * The fetch ended with {@code response}, or {@code failure} (a {@link FetchException}, or a
         * {@link java.util.concurrent.CancellationException} when its future was cancelled). Called
         * once, on the thread completing the future: just before it completes with a response or
         * a failure (so what the caller's dependent stages do is not part of the fetch), just after
         * it was cancelled.
         */
        void completed(FetchResponse response, Throwable failure);
    }
}
