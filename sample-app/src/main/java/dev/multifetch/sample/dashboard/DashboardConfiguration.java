package dev.multifetch.sample.dashboard;

import dev.multifetch.autoconfigure.HostHolds;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.sample.SampleProperties;
import dev.multifetch.sample.fetch.RecentTransfers;
import dev.multifetch.sample.fetch.TransferRegistry;
import dev.multifetch.sample.guard.ConfiguredProxy;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The dashboard's feed on the auto-configured engine, showing the proxy the guard allows and the hosts held back. */
@Configuration(proxyBeanMethods = false)
final class DashboardConfiguration {

    @Bean
    DashboardFeed dashboardFeed(FetchEngine engine, ObjectProvider<HostHolds> holds, ConfiguredProxy proxy,
            ObjectProvider<MeterRegistry> meters, TransferRegistry registry, RecentTransfers recent,
            SampleProperties properties) {
        SampleProperties.Dashboard dashboard = properties.getDashboard();
        return new DashboardFeed(engine, holds.getIfUnique(), proxy.display(), meters.getIfAvailable(), registry, recent,
                dashboard.getTick(), dashboard.getHistory());
    }
}
