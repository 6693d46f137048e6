package dev.multifetch.autoconfigure.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;

import org.springframework.kafka.core.MicrometerConsumerListener;

/**
 * Kafka's client meters of each consumer made, as spring-kafka's listener binds them, but checked
 * for new meters every {@code refresh} rather than Micrometer's minute: a partition's
 * {@code records-lag} exists only once the partition is assigned and fetched. Each consumer's
 * meters have a daemon thread of their own ({@code multifetch-kafka-client-meters}), ended with
 * them when the consumer is closed.
 */
final class RefreshedConsumerMeters<K, V> extends MicrometerConsumerListener<K, V> {

    private final Duration refresh;

    RefreshedConsumerMeters(MeterRegistry registry, Duration refresh) {
        super(registry);
        this.refresh = refresh;
    }

    @Override
    protected MeterBinder createClientMetrics(Consumer<K, V> consumer, List<Tag> tags) {
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(
                (task) -> JobWorker.daemon(task, "multifetch-kafka-client-meters"));
        return new Binding(new KafkaClientMetrics(consumer, tags, checks, this.refresh), checks);
    }

    /** The meters and their thread: spring-kafka closes a binder when its consumer is removed. */
    private record Binding(KafkaClientMetrics metrics, ScheduledExecutorService checks) implements MeterBinder, AutoCloseable {

        @Override
        public void bindTo(MeterRegistry registry) {
            this.metrics.bindTo(registry);
        }

        @Override
        public void close() {
            this.checks.shutdownNow();
            this.metrics.close();
        }
    }
}
