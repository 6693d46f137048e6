package dev.multifetch.autoconfigure;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.MultiOptions;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures one {@link FetchEngine}: its selector thread starts with the application
 * context; in the context's shutdown sequence, after the web server has stopped, transfers in
 * flight get {@code multifetch.shutdown-grace} to finish and the rest are aborted.
 *
 * <p>Every {@link FetchListener} bean hears the engine's events (the metrics listener among
 * them); {@link MultifetchOptionsCustomizer} and {@link MultifetchEngineCustomizer} beans adjust
 * the options and the engine builder.
 */
@AutoConfiguration
@EnableConfigurationProperties(MultifetchProperties.class)
public final class MultifetchAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    FetchEngine fetchEngine(MultifetchProperties properties, ObjectProvider<FetchListener> listeners,
            ObjectProvider<MultifetchOptionsCustomizer> optionsCustomizers,
            ObjectProvider<MultifetchEngineCustomizer> engineCustomizers) {
        MultiOptions.Builder options = properties.toOptionsBuilder()
            .listener(CompositeFetchListener.of(listeners.orderedStream().toList()));
        optionsCustomizers.orderedStream().forEach((customizer) -> customizer.customize(options));
        FetchEngine.Builder builder = FetchEngine.builder()
            .options(options.build())
            .shutdownGrace(properties.getShutdownGrace());
        engineCustomizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
        return builder.build();
    }

    @Bean
    FetchEngineLifecycle fetchEngineLifecycle(ObjectProvider<FetchEngine> engines) {
        return new FetchEngineLifecycle(engines);
    }
}
