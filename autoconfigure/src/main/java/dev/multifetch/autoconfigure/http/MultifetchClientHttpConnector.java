package dev.multifetch.autoconfigure.http;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import dev.multifetch.core.FetchEngine;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;

/**
 * Runs {@code WebClient} exchanges on a {@link FetchEngine}. The request body is collected, the
 * transfer runs on the engine's selector thread, and the response arrives whole; no thread
 * waits. Cancelling the subscription cancels the transfer. Thread-safe.
 *
 * <p>Made with a constructor, it applies the timeouts given, else the engine's defaults, and does
 * not follow redirects, as the engine does not by default; made by
 * {@link MultifetchClientHttpConnectorBuilder}, it applies Spring Boot's HTTP client settings
 * instead. Immutable.
 */
public final class MultifetchClientHttpConnector implements ClientHttpConnector {

    private final FetchEngine engine;
    private final RequestSettings settings;

    /** A connector whose exchanges run on {@code engine} with its default timeouts. */
    public MultifetchClientHttpConnector(FetchEngine engine) {
        this(engine, RequestSettings.ENGINE_DEFAULTS);
    }

    /**
     * A connector whose exchanges run on {@code engine} with these timeouts, each positive or
     * {@code null} for the engine's default: {@code connectTimeout} covers name lookup, TCP
     * connect and the TLS handshake, {@code readTimeout} the longest silence between response bytes.
     */
    public MultifetchClientHttpConnector(FetchEngine engine, Duration connectTimeout, Duration readTimeout) {
        this(engine, new RequestSettings(connectTimeout, readTimeout, false, null));
    }

    MultifetchClientHttpConnector(FetchEngine engine, RequestSettings settings) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.settings = settings;
    }

    @Override
    public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
            Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
        MultifetchReactiveClientHttpRequest request = new MultifetchReactiveClientHttpRequest(method, uri);
        return requestCallback.apply(request)
            .then(Mono.fromFuture(() -> BridgedFetches.fetch(this.engine, request.toFetchRequest(this.settings))))
            .map(MultifetchReactiveClientHttpResponse::new);
    }
}
