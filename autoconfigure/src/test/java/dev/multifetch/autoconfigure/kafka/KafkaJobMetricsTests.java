package dev.multifetch.autoconfigure.kafka;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaJobMetricsTests {

    @Test
    void whenHostsHaveJobsInFlightThenTheTenBusiestAreShownAndAHostThatDrainedDropsOut() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JobWorker worker = new JobWorker((job) -> null, new JobCodec(), null, new MultifetchKafkaProperties(), JobEvents.NONE);
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("worker", worker);
        try (KafkaJobMetrics metrics = new KafkaJobMetrics(registry, beans.getBeanProvider(JobWorker.class))) {
            for (int host = 0; host < 12; host++) {
                for (int job = 0; job <= host; job++) {
                    worker.keyStarted("h" + host + ".example");
                }
            }
            metrics.refreshBusiest();
            assertThat(registry.find(KafkaJobMetrics.BUSIEST_HOSTS).gauges()).hasSize(KafkaJobMetrics.BUSIEST);
            assertThat(registry.get(KafkaJobMetrics.BUSIEST_HOSTS).tag("host", "h11.example").gauge().value()).isEqualTo(12);
            assertThat(registry.find(KafkaJobMetrics.BUSIEST_HOSTS).tag("host", "h1.example").gauge()).isNull();
            for (int job = 0; job < 12; job++) {
                worker.keyEnded("h11.example");
            }
            metrics.refreshBusiest();
            assertThat(registry.find(KafkaJobMetrics.BUSIEST_HOSTS).tag("host", "h11.example").gauge()).isNull();
            assertThat(registry.get(KafkaJobMetrics.BUSIEST_HOSTS).tag("host", "h1.example").gauge().value()).isEqualTo(2);
        } finally {
            worker.close();
        }
    }
}
