package dev.multifetch.autoconfigure.http;

import java.util.concurrent.CompletableFuture;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;

/**
 * Marks the fetches the RestClient and WebClient bridges make: the Spring client observes each
 * call itself ({@code http.client.requests}, its own {@code traceparent}), so an interceptor that
 * observes fetches leaves these alone. The mark is set on the calling thread for the duration of
 * {@link FetchEngine#fetch}, which is where an engine's interceptor runs. Depends on the JDK and
 * the engine only, so it loads whatever else is on the classpath.
 */
public final class BridgedFetches {

    private static final ThreadLocal<Boolean> IN_PROGRESS = new ThreadLocal<>();

    private BridgedFetches() {
    }

    /** Whether the current thread is inside a bridge's call to {@link FetchEngine#fetch}. */
    public static boolean inProgress() {
        return IN_PROGRESS.get() != null;
    }

    /** Starts a bridge's fetch of {@code request} on {@code engine}, marked. */
    static CompletableFuture<FetchResponse> fetch(FetchEngine engine, FetchRequest request) {
        IN_PROGRESS.set(Boolean.TRUE);
        try {
            return engine.fetch(request);
        }
        finally {
            IN_PROGRESS.remove();
        }
    }
}
