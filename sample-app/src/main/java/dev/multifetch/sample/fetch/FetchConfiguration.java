package dev.multifetch.sample.fetch;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.sample.SampleProperties;
import dev.multifetch.sample.guard.UrlGate;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The fetch service on the auto-configured engine, with its registry (also an engine listener) and checks. */
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
    FetchService fetchService(FetchEngine engine, TransferRegistry registry, RecentTransfers recent,
            SampleProperties properties) {
        return new FetchService(engine, registry, recent, Math.toIntExact(properties.getLimits().getMaxReturnedBodySize().toBytes()));
    }
}
