package dev.multifetch.autoconfigure.health;

import dev.multifetch.autoconfigure.HostHolds;
import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.autoconfigure.MultifetchProperties;
import dev.multifetch.core.FetchEngine;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@code multifetch} health indicator when {@code spring-boot-health} is on
 * the classpath; {@code management.health.multifetch.enabled=false} turns it off. It names the
 * hosts blocked now from the {@link HostHolds} bean.
 */
@AutoConfiguration(after = MultifetchAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnSingleCandidate(FetchEngine.class)
@ConditionalOnEnabledHealthIndicator("multifetch")
@EnableConfigurationProperties(MultifetchProperties.class)
public final class MultifetchHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "multifetchHealthIndicator")
    FetchEngineHealthIndicator multifetchHealthIndicator(FetchEngine engine, MultifetchProperties properties,
            ObjectProvider<HostHolds> holds) {
        return new FetchEngineHealthIndicator(engine, properties.getHealth().getStallThreshold(), holds.getIfUnique());
    }
}
