package dev.multifetch.sample.dashboard;

import dev.multifetch.autoconfigure.HostHolds;
import dev.multifetch.autoconfigure.kafka.JobWorker;
import dev.multifetch.autoconfigure.kafka.MultifetchKafkaProperties;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.sample.SampleProperties;
import dev.multifetch.sample.fetch.RecentTransfers;
import dev.multifetch.sample.fetch.TransferRegistry;
import dev.multifetch.sample.guard.ConfiguredProxy;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The dashboard's feed on the auto-configured engine, showing the proxy the guard allows and the
 * hosts held back, and on an app that runs Kafka jobs its worker (nothing of it otherwise).
 */
@Configuration(proxyBeanMethods = false)
final class DashboardConfiguration {

    @Bean
    DashboardFeed dashboardFeed(FetchEngine engine, ObjectProvider<HostHolds> holds, ConfiguredProxy proxy,
            ObjectProvider<MeterRegistry> meters, ObjectProvider<JobWorker> worker,
            ObjectProvider<MultifetchKafkaProperties> kafka, TransferRegistry registry, RecentTransfers recent,
            SampleProperties properties) {
        SampleProperties.Dashboard dashboard = properties.getDashboard();
        JobWorker jobs = worker.getIfUnique();
        WorkerPanel panel = (jobs != null)
                ? new WorkerPanel(jobs, kafka.getObject().getJobsTopic(), meters.getIfAvailable()) : null;
        return new DashboardFeed(engine, holds.getIfUnique(), panel, proxy.display(), meters.getIfAvailable(), registry,
                recent, dashboard.getTick(), dashboard.getHistory());
    }
}
