package dev.multifetch.autoconfigure.observation;

import dev.multifetch.autoconfigure.MultifetchEngineCustomizer;
import dev.multifetch.autoconfigure.MultifetchProperties;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/**
 * Observes every fetch made on the auto-configured engine when Micrometer's observation API is on
 * the classpath and the application has an {@link ObservationRegistry}:
 * {@code multifetch.observations.enabled=false} turns it off, and without a registry the engine
 * has no interceptor at all. A {@link FetchObservationConvention} or
 * {@link FetchAttemptObservationConvention} bean replaces the default convention; an
 * {@link ObservingFetchInterceptor} bean replaces the interceptor. Fetches get a child observation per
 * attempt as {@code multifetch.observations.attempts} says: by default those that follow redirects or
 * may be retried (their own retries, or {@code multifetch.retry.max-retries} above 0; an engine whose
 * retry policy a customizer sets wants {@code always}). An engine you build yourself
 * can take the same bean with {@code FetchEngine.Builder#interceptor}.
 *
 * <p>The interceptor is set by a {@link MultifetchEngineCustomizer} ordered first, so a customizer
 * of yours that sets an interceptor of its own replaces it.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "multifetch.observations.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MultifetchObservationProperties.class)
public final class MultifetchObservationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ObservingFetchInterceptor multifetchObservingFetchInterceptor(ObservationRegistry registry,
            ObjectProvider<FetchObservationConvention> conventions,
            ObjectProvider<FetchAttemptObservationConvention> attemptConventions,
            MultifetchObservationProperties observations, ObjectProvider<MultifetchProperties> properties) {
        MultifetchProperties engine = properties.getIfAvailable();
        boolean engineRetries = engine != null && engine.getRetry().getMaxRetries() > 0;
        return new ObservingFetchInterceptor(registry, conventions.getIfUnique(), attemptConventions.getIfUnique(),
                observations.getAttempts(), engineRetries);
    }

    @Bean
    @Order(0)
    MultifetchEngineCustomizer multifetchObservationEngineCustomizer(ObservingFetchInterceptor interceptor) {
        return (builder) -> builder.interceptor(interceptor);
    }
}
