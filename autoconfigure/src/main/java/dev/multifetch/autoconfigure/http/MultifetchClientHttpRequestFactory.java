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
 * <p>Made with a constructor, it applies the timeouts given, else the engine's defaults, and does
 * not follow redirects, as the engine does not by default; made by
 * {@link MultifetchClientHttpRequestFactoryBuilder}, it applies Spring Boot's HTTP client
 * settings instead. Immutable.
 */
public final class MultifetchClientHttpRequestFactory implements ClientHttpRequestFactory {

    private final FetchEngine engine;
    private final RequestSettings settings;

    /** A factory whose requests run on {@code engine} with its default timeouts. */
    public MultifetchClientHttpRequestFactory(FetchEngine engine) {
        this(engine, RequestSettings.ENGINE_DEFAULTS);
    }

    /**
     * A factory whose requests run on {@code engine} with these timeouts, each positive or
     * {@code null} for the engine's default: {@code connectTimeout} covers name lookup, TCP
     * connect and the TLS handshake, {@code readTimeout} the longest silence between response bytes.
     */
    public MultifetchClientHttpRequestFactory(FetchEngine engine, Duration connectTimeout, Duration readTimeout) {
        this(engine, new RequestSettings(connectTimeout, readTimeout, false, null));
    }

    MultifetchClientHttpRequestFactory(FetchEngine engine, RequestSettings settings) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.settings = settings;
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
        return new MultifetchClientHttpRequest(this.engine, httpMethod, uri, this.settings);
    }
}
