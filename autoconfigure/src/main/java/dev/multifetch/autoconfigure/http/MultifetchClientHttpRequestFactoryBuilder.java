package dev.multifetch.autoconfigure.http;

import java.util.Objects;

import dev.multifetch.core.FetchEngine;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;

/**
 * Builds {@link MultifetchClientHttpRequestFactory} instances on one engine, applying Spring
 * Boot's {@link HttpClientSettings} ({@code spring.http.clients.*}, or an HTTP service group's):
 * connect and read timeouts per request; settings the engine cannot honour yet fail with an
 * {@link UnsupportedHttpClientSettingException}. Published as a bean, it is what Spring Boot uses
 * for {@code RestClient.Builder}, {@code RestTemplateBuilder} and HTTP service clients.
 */
public final class MultifetchClientHttpRequestFactoryBuilder
        implements ClientHttpRequestFactoryBuilder<MultifetchClientHttpRequestFactory> {

    private final FetchEngine engine;

    /** A builder of factories whose requests run on {@code engine}. */
    public MultifetchClientHttpRequestFactoryBuilder(FetchEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    @Override
    public MultifetchClientHttpRequestFactory build(HttpClientSettings settings) {
        RequestTimeouts timeouts = EngineClientSettings.timeouts(settings);
        return new MultifetchClientHttpRequestFactory(this.engine, timeouts.connect(), timeouts.read());
    }
}
