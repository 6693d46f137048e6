package dev.multifetch.autoconfigure.kafka;

import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.autoconfigure.MultifetchOptionsCustomizer;
import dev.multifetch.core.Politeness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Worker (and submitter) application contexts on the {@link SharedKafka} broker, and a raw reader
 * of a topic. A context's engine resolves every {@code *.test} host to loopback, and takes
 * {@code test.max-host-connections} and {@code test.min-interval} (ms) for its per-host limits.
 */
final class WorkerContexts {

    private WorkerContexts() {
    }

    /** A context with {@code properties} over quick group settings (heartbeat 500 ms, session 6 s). */
    static ConfigurableApplicationContext start(String... properties) {
        return start(new Class<?>[0], properties);
    }

    /** As {@link #start(String...)}, with configuration {@code more} beside the worker's. */
    static ConfigurableApplicationContext start(Class<?>[] more, String... properties) {
        return new SpringApplicationBuilder(WorkerApp.class).sources(more).web(WebApplicationType.NONE)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .properties("spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers(), "multifetch.kafka.enabled=true",
                    "spring.kafka.consumer.properties.heartbeat.interval.ms=500",
                    "spring.kafka.consumer.properties.session.timeout.ms=6000", "multifetch.kafka.handoff-delay=0s")
            .properties(properties)
            .run();
    }

    /** Every record of {@code topic} from the start, read until {@code done} holds or {@code timeout} passes. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, Duration timeout,
            java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map((PartitionInfo info) -> new TopicPartition(topic, info.partition()))
                .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * The decoded results of {@code topic}, once {@code count} distinct jobs have one (or
     * {@code timeout} passed): duplicates included, as a job done twice publishes two.
     */
    static List<JobResult> results(String topic, int count, Duration timeout) {
        JobCodec codec = new JobCodec();
        return readAll(topic, timeout, (records) -> records.stream()
            .map((record) -> new String(record.headers().lastHeader(JobWorker.JOB_ID_HEADER).value(), StandardCharsets.UTF_8))
            .distinct()
            .count() >= count).stream().map((record) -> {
            try {
                return codec.readResult(record.value());
            } catch (JobCodec.UndecodableJobException ex) {
                throw new AssertionError(ex);
            }
        }).toList();
    }

    /** Waits for {@code condition}, failing after {@code timeout}. */
    static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ KafkaAutoConfiguration.class, MultifetchAutoConfiguration.class,
            MultifetchKafkaAutoConfiguration.class })
    static class WorkerApp {

        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        MultifetchOptionsCustomizer testHostsAndLimits(Environment environment) {
            int perHost = environment.getProperty("test.max-host-connections", Integer.class, 8);
            long intervalMs = environment.getProperty("test.min-interval", Long.class, 0L);
            return (options) -> {
                options.hostResolver(WorkerApp::loopbackForTestHosts).maxHostConnections(perHost);
                if (intervalMs > 0) {
                    options.politeness(Politeness.builder().minInterval(Duration.ofMillis(intervalMs)).build());
                }
            };
        }

        private static InetAddress[] loopbackForTestHosts(String host) throws UnknownHostException {
            return host.endsWith(".test") ? new InetAddress[] { InetAddress.getLoopbackAddress() } : InetAddress.getAllByName(host);
        }
    }
}
