package dev.multifetch.autoconfigure.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The worker's and readers' Kafka clients, made from the application's own factories (so
 * {@code spring.kafka.bootstrap-servers}, security and every other {@code spring.kafka.*}
 * client setting apply) with what the worker's guarantees need laid over them: raw bytes in and
 * out, no auto-commit, the worker's group, cooperative-sticky assignment, earliest offsets for a
 * new group, and an idempotent producer waiting for every in-sync replica.
 */
final class KafkaClients {

    private KafkaClients() {
    }

    /** The worker's consumers: group {@code group-id}, {@code max-poll-records} per poll. */
    static DefaultKafkaConsumerFactory<byte[], byte[]> worker(ConsumerFactory<?, ?> base, MultifetchKafkaProperties properties) {
        Map<String, Object> config = consumerBase(base);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, properties.getGroupId());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.getMaxPollRecords());
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        return new DefaultKafkaConsumerFactory<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The readers' consumers: no group, partitions assigned by hand. */
    static ConsumerFactory<byte[], byte[]> reader(ConsumerFactory<?, ?> base) {
        Map<String, Object> config = consumerBase(base);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return new DefaultKafkaConsumerFactory<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The producer of jobs, results and dead letters. */
    static DefaultKafkaProducerFactory<byte[], byte[]> producer(ProducerFactory<?, ?> base) {
        Map<String, Object> config = new HashMap<>(base.getConfigurationProperties());
        config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new DefaultKafkaProducerFactory<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Map<String, Object> consumerBase(ConsumerFactory<?, ?> base) {
        Map<String, Object> config = new HashMap<>(base.getConfigurationProperties());
        config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }
}
