package dev.multifetch.sample.dashboard;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.sample.SampleProperties;
import dev.multifetch.sample.fetch.RecentTransfers;
import dev.multifetch.sample.fetch.TransferRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The dashboard's feed on the auto-configured engine. */
@Configuration(proxyBeanMethods = false)
final class DashboardConfiguration {

    @Bean
    DashboardFeed dashboardFeed(FetchEngine engine, TransferRegistry registry, RecentTransfers recent,
            SampleProperties properties) {
        SampleProperties.Dashboard dashboard = properties.getDashboard();
        return new DashboardFeed(engine, registry, recent, dashboard.getTick(), dashboard.getHistory());
    }
}
