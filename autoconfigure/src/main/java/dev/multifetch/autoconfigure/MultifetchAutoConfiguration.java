package dev.multifetch.autoconfigure;

import dev.multifetch.core.FetchEngine;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures one {@link FetchEngine}: its selector thread starts with the application
 * context and is closed with it, letting running transfers finish within
 * {@code multifetch.shutdown-grace}.
 */
@AutoConfiguration
@EnableConfigurationProperties(MultifetchProperties.class)
public final class MultifetchAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    FetchEngine fetchEngine(MultifetchProperties properties,
            ObjectProvider<MultifetchEngineCustomizer> customizers) {
        FetchEngine.Builder builder = FetchEngine.builder();
        properties.applyTo(builder);
        customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
        return builder.build();
    }
}
