package dev.multifetch.autoconfigure.http;

import java.util.Objects;

import dev.multifetch.core.FetchEngine;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;

/**
 * Builds {@link MultifetchClientHttpRequestFactory} instances on one engine, applying Spring
 * Boot's {@link HttpClientSettings} ({@code spring.http.clients.*}, or an HTTP service group's):
 * connect and read timeouts, redirects (followed unless {@code DONT_FOLLOW}) and the SSL bundle
 * (as the request's TLS settings), per request; an SSL bundle the engine cannot use, such as one
 * that sets cipher suites, fails with an {@link UnsupportedHttpClientSettingException}. Published as a bean, it is what Spring Boot uses
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
        return new MultifetchClientHttpRequestFactory(this.engine, EngineClientSettings.requestSettings(settings));
    }
}
