package dev.multifetch.autoconfigure.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Creates the jobs, results and dead-letter topics at startup when they are missing, and never
 * changes one that exists: unlike Spring's {@code NewTopic} beans, which add partitions to a
 * topic with fewer, so two instances configured differently would remap hosts to partitions (and
 * batches to results partitions) under running work. A topic whose partition count differs from
 * the configured one is logged and used as it is.
 */
final class MissingTopics implements SmartInitializingSingleton {

    private static final Log logger = LogFactory.getLog(MissingTopics.class);

    private static final long TIMEOUT_SECONDS = 30;

    private final KafkaAdmin admin;
    private final List<NewTopic> topics;

    MissingTopics(KafkaAdmin admin, List<NewTopic> topics) {
        this.admin = admin;
        this.topics = topics;
    }

    @Override
    public void afterSingletonsInstantiated() {
        try (Admin client = Admin.create(this.admin.getConfigurationProperties())) {
            Set<String> existing = client.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = this.topics.stream().filter((topic) -> !existing.contains(topic.name())).toList();
            createAll(client, missing);
            List<String> present = this.topics.stream().map(NewTopic::name).filter(existing::contains).toList();
            // listed is not yet described everywhere: another instance may have created them a moment ago
            Map<String, TopicDescription> described = retrying(deadline(), () -> client.describeTopics(present).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            this.topics.stream().filter((topic) -> described.containsKey(topic.name())).forEach((topic) -> {
                int partitions = described.get(topic.name()).partitions().size();
                if (partitions != topic.numPartitions()) {
                    logger.warn("Topic " + topic.name() + " has " + partitions + " partitions, not the " + topic.numPartitions()
                            + " configured: used as it is (changing a topic's partitions remaps its keys)");
                }
            });
        } catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("could not check or create the multifetch topics " + names() + ": " + ex, ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the multifetch topics", ex);
        }
    }

    private void createAll(Admin client, List<NewTopic> missing) throws InterruptedException, TimeoutException,
            ExecutionException {
        if (missing.isEmpty()) {
            return;
        }
        try {
            client.createTopics(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            logger.info("Created " + missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException ex) {
            // another instance starting at the same time created it first
            if (!(ex.getCause() instanceof TopicExistsException)) {
                throw ex;
            }
        }
        awaitLeaders(client, missing.stream().map(NewTopic::name).toList());
    }

    /**
     * Waits until the leader of every partition of new topics answers for it (a list-offsets
     * request succeeds): until then a produce gets NOT_LEADER_OR_FOLLOWER, and an idempotent
     * producer whose first batches were refused so can be left retrying out of sequence.
     */
    private static void awaitLeaders(Admin client, List<String> names) throws InterruptedException, TimeoutException,
            ExecutionException {
        if (names.isEmpty()) {
            return;
        }
        retrying(deadline(), () -> {
            // a topic just created may be unknown to the broker answering for a moment: described again then
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            client.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()
                .forEach((topic) -> topic.partitions().forEach((partition) ->
                        partitions.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
            return client.listOffsets(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        });
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    }

    /** What {@code call} answers, called again every 50 ms while it fails with a retriable error, until {@code deadline}. */
    private static <T> T retrying(long deadline, AdminCall<T> call) throws InterruptedException, TimeoutException,
            ExecutionException {
        while (true) {
            try {
                return call.get();
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw ex;
                }
                Thread.sleep(50);
            }
        }
    }

    /** One admin request and its wait. */
    @FunctionalInterface
    private interface AdminCall<T> {

        T get() throws InterruptedException, TimeoutException, ExecutionException;
    }

    private List<String> names() {
        return this.topics.stream().map(NewTopic::name).toList();
    }
}
