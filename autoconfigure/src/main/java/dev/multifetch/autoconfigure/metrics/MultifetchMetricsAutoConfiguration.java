package dev.multifetch.autoconfigure.metrics;

import dev.multifetch.autoconfigure.HostHolds;
import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.core.FetchEngine;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the engine's meters when Micrometer is on the classpath and the application
 * has a {@link MeterRegistry}; {@code multifetch.metrics.enabled=false} turns them off. The
 * {@link MetricsFetchListener} is a {@link dev.multifetch.core.FetchListener} bean, so the
 * auto-configured engine hears it; an engine you build yourself can take the same bean as its
 * listener. The {@code multifetch.hosts.blocked} gauge reads the {@link HostHolds} bean.
 */
@AutoConfiguration(after = MultifetchAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "multifetch.metrics.enabled", matchIfMissing = true)
public final class MultifetchMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MetricsFetchListener multifetchMetricsListener(MeterRegistry registry) {
        return new MetricsFetchListener(registry);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(FetchEngine.class)
    FetchEngineMetrics multifetchEngineMetrics(FetchEngine engine, ObjectProvider<HostHolds> holds) {
        return new FetchEngineMetrics(engine, holds.getIfUnique());
    }
}
