package dev.multifetch.autoconfigure.kafka;

import java.util.List;

import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.core.FetchEngine;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.CommonLoggingErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.support.ProducerListener;

/**
 * Auto-configures fetch jobs on Kafka when spring-kafka (with Spring Boot's Kafka support) is on
 * the classpath and {@code multifetch.kafka.enabled=true}: a {@link JobSubmitter} and a
 * {@link BatchResults} reader on every instance, and, unless {@code multifetch.kafka.worker-enabled=false},
 * a {@link JobWorker} consuming the jobs topic on the {@link FetchEngine} bean through the
 * {@link FetchJobHandler} bean ({@link EngineJobHandler} unless one is defined). The topics are
 * created when missing ({@link MissingTopics}), the jobs and dead-letter topics with
 * {@code jobs-partitions} partitions; an existing topic is never changed.
 * With Micrometer, {@link KafkaJobMetrics}.
 */
@AutoConfiguration(after = MultifetchAutoConfiguration.class,
        afterName = { "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(value = { KafkaTemplate.class, JsonMapper.class },
        name = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnBooleanProperty("multifetch.kafka.enabled")
@EnableConfigurationProperties(MultifetchKafkaProperties.class)
public final class MultifetchKafkaAutoConfiguration {

    /** Polls this often while idle, so results published meanwhile are committed within it. */
    private static final long POLL_TIMEOUT_MS = 500;

    @Bean
    @ConditionalOnMissingBean
    JobCodec multifetchJobCodec() {
        return new JobCodec();
    }

    @Bean
    @ConditionalOnMissingBean
    JobRouting multifetchJobRouting(MultifetchKafkaProperties properties) {
        properties.validate();
        return new JobRouting(properties.getKeyBy());
    }

    @Bean
    DefaultKafkaProducerFactory<byte[], byte[]> multifetchKafkaProducerFactory(ProducerFactory<?, ?> producerFactory,
            ObjectProvider<KafkaClientMeters> meters) {
        DefaultKafkaProducerFactory<byte[], byte[]> factory = KafkaClients.producer(producerFactory);
        meters.ifAvailable((binder) -> binder.bind(factory));
        return factory;
    }

    /**
     * The submitter's template: observed (when enabled), so that a job sent within a traced call
     * carries its trace.
     */
    @Bean
    KafkaTemplate<byte[], byte[]> multifetchKafkaTemplate(DefaultKafkaProducerFactory<byte[], byte[]> multifetchKafkaProducerFactory,
            MultifetchKafkaProperties properties) {
        KafkaTemplate<byte[], byte[]> template = template(multifetchKafkaProducerFactory);
        template.setObservationEnabled(properties.isObservationEnabled());
        return template;
    }

    private static KafkaTemplate<byte[], byte[]> template(DefaultKafkaProducerFactory<byte[], byte[]> producers) {
        KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(producers);
        // a failed send is the worker's to retry and report, with the job it belongs to
        template.setProducerListener(new ProducerListener<>() {
        });
        return template;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    BatchResults multifetchBatchResults(ConsumerFactory<?, ?> consumerFactory, JobCodec codec,
            ObjectProvider<JobEvents> events, MultifetchKafkaProperties properties) {
        return new BatchResults(KafkaClients.reader(consumerFactory), codec, events.getIfAvailable(() -> JobEvents.NONE),
                properties);
    }

    @Bean
    @ConditionalOnMissingBean
    JobSubmitter multifetchJobSubmitter(KafkaTemplate<byte[], byte[]> multifetchKafkaTemplate, JobCodec codec,
            JobRouting routing, BatchResults results, MultifetchKafkaProperties properties) {
        return new JobSubmitter(multifetchKafkaTemplate, codec, routing, results, properties);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "multifetch.kafka.create-topics", matchIfMissing = true)
    MissingTopics multifetchTopics(KafkaAdmin admin, MultifetchKafkaProperties properties) {
        return new MissingTopics(admin, List.of(topic(properties.getJobsTopic(), properties.getJobsPartitions()),
                topic(properties.getResultsTopic(), properties.getResultsPartitions()),
                topic(properties.getDeadLetterTopic(), properties.getJobsPartitions())));
    }

    private static NewTopic topic(String name, int partitions) {
        return TopicBuilder.name(name).partitions(partitions).build();
    }

    /** The worker, on instances that run jobs. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "multifetch.kafka.worker-enabled", matchIfMissing = true)
    static class Worker {

        @Bean
        @ConditionalOnMissingBean
        FetchJobHandler multifetchJobHandler(FetchEngine engine) {
            return new EngineJobHandler(engine);
        }

        /**
         * The worker publishes results with a template of its own on the same producer, never
         * observed: a result is sent on the thread that completed its fetch, where no observation
         * is current, so an observed send would start a trace of its own for every result; the
         * result carries its job's trace headers instead.
         */
        @Bean(destroyMethod = "close")
        JobWorker multifetchJobWorker(FetchJobHandler handler, JobCodec codec,
                DefaultKafkaProducerFactory<byte[], byte[]> multifetchKafkaProducerFactory,
                MultifetchKafkaProperties properties, ObjectProvider<JobEvents> events) {
            return new JobWorker(handler, codec, template(multifetchKafkaProducerFactory), properties,
                    events.getIfAvailable(() -> JobEvents.NONE));
        }

        @Bean
        ConcurrentMessageListenerContainer<byte[], byte[]> multifetchJobContainer(JobWorker worker,
                ConsumerFactory<?, ?> consumerFactory, MultifetchKafkaProperties properties,
                ObjectProvider<KafkaClientMeters> meters) {
            DefaultKafkaConsumerFactory<byte[], byte[]> consumers = KafkaClients.worker(consumerFactory, properties);
            meters.ifAvailable((binder) -> binder.bind(consumers));
            ContainerProperties container = new ContainerProperties(properties.getJobsTopic());
            container.setGroupId(properties.getGroupId());
            // acknowledged by the worker once a job's result is durable, every earlier job of its partition too
            container.setAckMode(ContainerProperties.AckMode.MANUAL);
            container.setPollTimeout(POLL_TIMEOUT_MS);
            // each job handled within the observation of its receipt: the fetches it starts continue its trace
            container.setObservationEnabled(properties.isObservationEnabled());
            container.setMessageListener(worker);
            container.setConsumerRebalanceListener(worker);
            ConcurrentMessageListenerContainer<byte[], byte[]> listeners = new ConcurrentMessageListenerContainer<>(consumers,
                    container);
            listeners.setConcurrency(properties.getConcurrency());
            // the listener never throws; were it to, no seek and no commit past the jobs still running
            listeners.setCommonErrorHandler(new CommonLoggingErrorHandler());
            worker.attach(listeners);
            return listeners;
        }
    }

    /** Binds Kafka's client meters to the worker's own clients; an interface, so nothing here needs Micrometer. */
    interface KafkaClientMeters {

        void bind(DefaultKafkaConsumerFactory<?, ?> consumers);

        void bind(DefaultKafkaProducerFactory<?, ?> producers);
    }

    /** The meters, with Micrometer. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnBooleanProperty(name = "multifetch.metrics.enabled", matchIfMissing = true)
    static class Metrics {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        KafkaJobMetrics multifetchKafkaJobMetrics(MeterRegistry registry, ObjectProvider<JobWorker> worker) {
            return new KafkaJobMetrics(registry, worker);
        }

        /**
         * Kafka's own client meters (records-lag per partition among them) for the worker's clients, as Boot's have;
         * the consumer's checked for new ones every {@code client-meters-refresh}.
         */
        @Bean
        KafkaClientMeters multifetchKafkaClientMeters(MeterRegistry registry, MultifetchKafkaProperties properties) {
            return new KafkaClientMeters() {
                @Override
                public void bind(DefaultKafkaConsumerFactory<?, ?> consumers) {
                    consumers.addListener(new RefreshedConsumerMeters<>(registry, properties.getClientMetersRefresh()));
                }

                @Override
                public void bind(DefaultKafkaProducerFactory<?, ?> producers) {
                    producers.addListener(new MicrometerProducerListener<>(registry));
                }
            };
        }
    }
}
