package dev.multifetch.autoconfigure.http;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

import dev.multifetch.core.FetchEngine;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * Runs {@code RestClient} and {@code RestTemplate} requests on a {@link FetchEngine}: each request
 * is buffered, handed to the engine's selector thread, and the calling thread waits for the
 * whole response. Thread-safe; one factory may serve any number of clients.
 *
 * <p>Timeouts given here apply to each request; unset, the engine's {@code multifetch.*} defaults
 * apply. Immutable.
 */
public final class MultifetchClientHttpRequestFactory implements ClientHttpRequestFactory {

    private final FetchEngine engine;
    private final RequestTimeouts timeouts;

    /** A factory whose requests run on {@code engine} with its default timeouts. */
    public MultifetchClientHttpRequestFactory(FetchEngine engine) {
        this(engine, null, null);
    }

    /**
     * A factory whose requests run on {@code engine} with these timeouts, each positive or
     * {@code null} for the engine's default: {@code connectTimeout} covers name lookup and TCP
     * connect, {@code readTimeout} the longest silence between response bytes.
     */
    public MultifetchClientHttpRequestFactory(FetchEngine engine, Duration connectTimeout, Duration readTimeout) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.timeouts = new RequestTimeouts(connectTimeout, readTimeout);
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
        return new MultifetchClientHttpRequest(this.engine, httpMethod, uri, this.timeouts);
    }
}
