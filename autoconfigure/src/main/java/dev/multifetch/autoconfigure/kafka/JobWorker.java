package dev.multifetch.autoconfigure.kafka;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * The worker: takes jobs from the jobs topic, runs each as a {@link JobRun} and commits a job's
 * offset only after its result is on the results topic, and only once every earlier job of its
 * partition is done too ({@link PartitionLedger}): at-least-once, whatever order jobs end in.
 *
 * <p>The listener never waits. Above {@code max-in-flight-jobs} jobs in flight it pauses its
 * container (which keeps polling, so {@code max.poll.interval.ms} holds however slow a host is)
 * and resumes it at three quarters. A partition revoked in a rebalance is drained: its running
 * jobs get {@code drain-timeout} to finish (their offsets are committed before the partition goes),
 * the rest are cancelled, and the handoff is held {@code handoff-delay} after its last job started,
 * so the next owner does not hit those hosts sooner. A lost partition's jobs are cancelled at once.
 *
 * <p>Thread-safe: records and rebalances arrive on the consumer threads, jobs end on completion
 * and producer threads.
 */
public final class JobWorker implements AcknowledgingMessageListener<byte[], byte[]>, ConsumerAwareRebalanceListener,
        AutoCloseable {

    /** Header of a result with its job id. */
    public static final String JOB_ID_HEADER = "mf-job-id";

    /** Header of a result with its batch id. */
    public static final String BATCH_ID_HEADER = "mf-batch-id";

    private static final Log logger = LogFactory.getLog(JobWorker.class);

    private final FetchJobHandler handler;
    private final JobCodec codec;
    private final KafkaOperations<byte[], byte[]> producer;
    private final MultifetchKafkaProperties properties;
    private final JobEvents events;
    private final String workerId = ManagementFactory.getRuntimeMXBean().getName();
    private final Map<TopicPartition, PartitionLedger> ledgers = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final Map<String, Integer> inFlightByKey = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sender;
    private final int resumeAt;
    private MessageListenerContainer container;
    private boolean paused;

    public JobWorker(FetchJobHandler handler, JobCodec codec, KafkaOperations<byte[], byte[]> producer,
            MultifetchKafkaProperties properties, JobEvents events) {
        this.handler = handler;
        this.codec = codec;
        this.producer = producer;
        this.properties = properties;
        this.events = events;
        this.resumeAt = properties.getMaxInFlightJobs() * 3 / 4;
        this.sender = Executors.newSingleThreadScheduledExecutor((task) -> daemon(task, "multifetch-kafka-send"));
    }

    /** The container this worker pauses and resumes; set once, before it starts. */
    public void attach(MessageListenerContainer container) {
        synchronized (this) {
            this.container = container;
        }
    }

    @Override
    public void onMessage(ConsumerRecord<byte[], byte[]> record, Acknowledgment ack) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        PartitionLedger ledger = this.ledgers.computeIfAbsent(partition, (tp) -> new PartitionLedger());
        JobRun run = new JobRun(this, record, ledger);
        if (!ledger.received(record.offset(), ack, run::cancel, System.nanoTime())) {
            return;
        }
        admitted();
        run.start();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        partitions.forEach((partition) -> this.ledgers.put(partition, new PartitionLedger()));
        this.events.rebalanced("assigned", partitions.size());
        logger.info("Assigned " + partitions);
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        this.events.rebalanced("revoked", partitions.size());
        long started = drain(partitions, true);
        holdHandoff(started);
        logger.info("Revoked " + partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        this.events.rebalanced("lost", partitions.size());
        drain(partitions, false);
        logger.warn("Lost " + partitions + ": their running jobs were cancelled");
    }

    /**
     * Waits (when {@code wait}) for the partitions' running jobs until {@code drain-timeout},
     * then cancels what still runs; answers when the latest of their jobs started.
     */
    private long drain(Collection<TopicPartition> partitions, boolean wait) {
        long deadline = System.nanoTime() + this.properties.getDrainTimeout().toNanos();
        long lastStart = Long.MIN_VALUE;
        List<Runnable> cancels = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            PartitionLedger ledger = this.ledgers.remove(partition);
            if (ledger == null) {
                continue;
            }
            if (wait) {
                try {
                    ledger.awaitIdle(deadline);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            lastStart = Math.max(lastStart, ledger.lastStartNanos());
            cancels.addAll(ledger.close());
        }
        if (!cancels.isEmpty()) {
            logger.warn("Cancelled " + cancels.size() + " jobs of " + partitions + " still running; the next owner redoes them");
            cancels.forEach(Runnable::run);
        }
        return lastStart;
    }

    private void holdHandoff(long lastStartNanos) {
        if (lastStartNanos == Long.MIN_VALUE) {
            return;
        }
        long wait = lastStartNanos + this.properties.getHandoffDelay().toNanos() - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(wait, this.properties.getHandoffDelay().toNanos()));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void admitted() {
        int now = this.inFlight.incrementAndGet();
        this.peakInFlight.accumulateAndGet(now, Math::max);
        if (now >= this.properties.getMaxInFlightJobs()) {
            setPaused(true);
        }
    }

    /** A job left the worker: ended or cancelled. */
    void released() {
        if (this.inFlight.decrementAndGet() <= this.resumeAt) {
            setPaused(false);
        }
    }

    private synchronized void setPaused(boolean pause) {
        if (this.paused == pause || this.container == null) {
            return;
        }
        this.paused = pause;
        if (pause) {
            this.container.pause();
        } else {
            this.container.resume();
        }
    }

    /** The job at {@code offset} is durable: commits it and what it completes. */
    void acknowledge(PartitionLedger ledger, long offset) {
        ledger.completed(offset);
    }

    /**
     * Runs {@code task} on the sending thread after the back-off of {@code attempt} (send-backoff,
     * doubled per attempt, at most 64×), or at once for attempt 0.
     */
    void later(int attempt, Runnable task) {
        long delay = (attempt == 0) ? 0 : this.properties.getSendBackoff().toMillis() << Math.min(attempt - 1, 6);
        try {
            this.sender.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException | LinkageError ex) {
                    logger.error("A send task failed", ex);
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            logger.debug("Worker closed: not retrying");
        }
    }

    CompletableFuture<?> send(ProducerRecord<byte[], byte[]> record) {
        return this.producer.send(record);
    }

    /**
     * The record of {@code result}: keyed and partitioned by its batch id, with the headers of its
     * job's record (a trace's {@code traceparent}, say) but our own ids.
     */
    ProducerRecord<byte[], byte[]> resultRecord(JobResult result, Headers jobHeaders) {
        String topic = this.properties.getResultsTopic();
        int partition = JobRouting.partition(result.batchId(), this.producer.partitionsFor(topic).size());
        Headers headers = new RecordHeaders();
        for (org.apache.kafka.common.header.Header header : jobHeaders) {
            if (!header.key().equals(JOB_ID_HEADER) && !header.key().equals(BATCH_ID_HEADER)) {
                headers.add(header);
            }
        }
        headers.add(JOB_ID_HEADER, result.jobId().getBytes(StandardCharsets.UTF_8));
        headers.add(BATCH_ID_HEADER, result.batchId().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, partition, result.batchId().getBytes(StandardCharsets.UTF_8),
                this.codec.write(result), headers);
    }

    /** The dead letter of {@code record}: its key and value, in its partition, with Spring's {@code kafka_dlt-*} headers. */
    ProducerRecord<byte[], byte[]> deadLetterRecord(ConsumerRecord<byte[], byte[]> record, Throwable why) {
        String topic = this.properties.getDeadLetterTopic();
        int partitions = this.producer.partitionsFor(topic).size();
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(record.partition()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(record.offset()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP, ByteBuffer.allocate(Long.BYTES).putLong(record.timestamp()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP, this.properties.getGroupId().getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, why.getClass().getName().getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, String.valueOf(why.getMessage()).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, record.partition() % partitions, record.key(), record.value(), headers);
    }

    /** A job of politeness key {@code key} started. */
    void keyStarted(String key) {
        this.inFlightByKey.merge(key, 1, Integer::sum);
    }

    /** A job of politeness key {@code key} ended or was cancelled. */
    void keyEnded(String key) {
        this.inFlightByKey.computeIfPresent(key, (k, jobs) -> (jobs > 1) ? jobs - 1 : null);
    }

    /** The {@code n} politeness keys (hosts) with the most jobs in flight here, most first. */
    public List<Map.Entry<String, Integer>> busiestKeys(int n) {
        return this.inFlightByKey.entrySet().stream()
            .map((entry) -> Map.entry(entry.getKey(), entry.getValue()))
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .limit(n)
            .toList();
    }

    /** Jobs taken and not yet ended (result published or cancelled). */
    public int inFlight() {
        return this.inFlight.get();
    }

    /** The most jobs ever in flight at once. */
    public int peakInFlight() {
        return this.peakInFlight.get();
    }

    /** Jobs taken and not committed, over every partition owned: what a crash now would have done again. */
    public int uncommitted() {
        return this.ledgers.values().stream().mapToInt(PartitionLedger::uncommitted).sum();
    }

    /** Whether the worker paused its container for too many jobs in flight. */
    public synchronized boolean isPaused() {
        return this.paused;
    }

    /** Who publishes the results: {@code pid@host}. */
    public String workerId() {
        return this.workerId;
    }

    JobCodec codec() {
        return this.codec;
    }

    FetchJobHandler handler() {
        return this.handler;
    }

    JobEvents events() {
        return this.events;
    }

    int sendAttempts() {
        return this.properties.getSendAttempts();
    }

    String deadLetterTopic() {
        return this.properties.getDeadLetterTopic();
    }

    /**
     * A daemon thread with this library's class loader as its context class loader, whatever
     * thread asks for it: Kafka's clients load classes by name through it, and a thread started
     * from the common fork-join pool in a Spring Boot fat jar would have the system class loader.
     */
    static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(JobWorker.class.getClassLoader());
        return thread;
    }

    @Override
    public void close() {
        this.sender.shutdownNow();
    }
}
