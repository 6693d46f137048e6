package dev.multifetch.autoconfigure.http;

import java.util.Objects;

import dev.multifetch.core.FetchEngine;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;

/**
 * Builds {@link MultifetchClientHttpConnector} instances on one engine, applying Spring Boot's
 * {@link HttpClientSettings} as {@link MultifetchClientHttpRequestFactoryBuilder} does: connect
 * and read timeouts, redirects and the SSL bundle, per request; an SSL bundle the engine cannot
 * use fails with an {@link UnsupportedHttpClientSettingException}.
 */
public final class MultifetchClientHttpConnectorBuilder
        implements ClientHttpConnectorBuilder<MultifetchClientHttpConnector> {

    private final FetchEngine engine;

    /** A builder of connectors whose exchanges run on {@code engine}. */
    public MultifetchClientHttpConnectorBuilder(FetchEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    @Override
    public MultifetchClientHttpConnector build(HttpClientSettings settings) {
        return new MultifetchClientHttpConnector(this.engine, EngineClientSettings.requestSettings(settings));
    }
}
