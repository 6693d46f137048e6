package dev.multifetch.sample.fetch;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.sample.SampleProperties;
import dev.multifetch.sample.guard.UrlGate;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The fetch service on the auto-configured engine, with its registry (also an engine listener),
 * checks, and the call's trace that its fetches continue.
 */
@Configuration(proxyBeanMethods = false)
final class FetchConfiguration {

    @Bean
    TransferRegistry transferRegistry() {
        return new TransferRegistry();
    }

    @Bean
    RecentTransfers recentTransfers(SampleProperties properties) {
        return new RecentTransfers(properties.getDashboard().getRecentTransfers());
    }

    @Bean
    RequestValidator requestValidator(SampleProperties properties, UrlGate urlGate) {
        return new RequestValidator(properties.getLimits(), urlGate);
    }

    @Bean
    CallTraces callTraces(ObjectProvider<ObservationRegistry> registry, ObjectProvider<Tracer> tracer) {
        return new CallTraces(registry.getIfAvailable(() -> ObservationRegistry.NOOP), tracer.getIfAvailable(() -> Tracer.NOOP));
    }

    @Bean
    FetchService fetchService(FetchEngine engine, TransferRegistry registry, RecentTransfers recent,
            SampleProperties properties, CallTraces traces) {
        return new FetchService(engine, registry, recent, Math.toIntExact(properties.getLimits().getMaxReturnedBodySize().toBytes()),
                traces);
    }
}
