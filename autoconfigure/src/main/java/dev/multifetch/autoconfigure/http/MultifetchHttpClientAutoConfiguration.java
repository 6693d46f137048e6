package dev.multifetch.autoconfigure.http;

import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.core.FetchEngine;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;

/**
 * Makes Spring Boot's HTTP clients run on the engine: a {@link ClientHttpRequestFactoryBuilder}
 * for {@code RestClient}, {@code RestTemplate} and HTTP service clients, and a
 * {@link ClientHttpConnector} (with its builder) for {@code WebClient}. Spring's own
 * {@code http.client.requests} observation then applies as for any client.
 *
 * <p>Runs before Boot's HTTP client auto-configuration, whose beans then back off. Naming a
 * client in {@code spring.http.clients.imperative.factory} or
 * {@code spring.http.clients.reactive.connector} keeps Boot's choice instead.
 */
@AutoConfiguration(after = MultifetchAutoConfiguration.class, beforeName = {
        "org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration",
        "org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration" })
@ConditionalOnClass({ ClientHttpRequestFactory.class, ClientHttpRequestFactoryBuilder.class })
@ConditionalOnSingleCandidate(FetchEngine.class)
public final class MultifetchHttpClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ClientHttpRequestFactoryBuilder.class)
    @Conditional(NoImperativeFactoryChosen.class)
    MultifetchClientHttpRequestFactoryBuilder multifetchClientHttpRequestFactoryBuilder(FetchEngine engine) {
        return new MultifetchClientHttpRequestFactoryBuilder(engine);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ ClientHttpConnector.class, ClientHttpConnectorBuilder.class, Mono.class })
    @Conditional(NoReactiveConnectorChosen.class)
    static class ReactiveConfiguration {

        @Bean
        @ConditionalOnMissingBean(ClientHttpConnectorBuilder.class)
        MultifetchClientHttpConnectorBuilder multifetchClientHttpConnectorBuilder(FetchEngine engine) {
            return new MultifetchClientHttpConnectorBuilder(engine);
        }

        /** Boot defines this bean only when it detects a known connector library; so do we, for ours. */
        @Bean
        @Lazy
        @ConditionalOnMissingBean(ClientHttpConnector.class)
        ClientHttpConnector multifetchClientHttpConnector(ObjectProvider<ClientHttpConnectorBuilder<?>> builder,
                ObjectProvider<HttpClientSettings> settings, FetchEngine engine) {
            return builder.getIfAvailable(() -> new MultifetchClientHttpConnectorBuilder(engine))
                .build(settings.getIfAvailable(HttpClientSettings::defaults));
        }
    }

    /** Matches unless {@code spring.http.clients.imperative.factory} names a client. */
    static final class NoImperativeFactoryChosen extends NoneNestedConditions {

        NoImperativeFactoryChosen() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty("spring.http.clients.imperative.factory")
        static final class FactoryChosen {
        }
    }

    /** Matches unless {@code spring.http.clients.reactive.connector} names a connector. */
    static final class NoReactiveConnectorChosen extends NoneNestedConditions {

        NoReactiveConnectorChosen() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty("spring.http.clients.reactive.connector")
        static final class ConnectorChosen {
        }
    }
}
