package dev.multifetch.autoconfigure.kafka;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.multifetch.autoconfigure.kafka.JobCodec.UndecodableJobException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.core.ConsumerFactory;

/**
 * Reads one batch's results, on any instance, with no state but Kafka's: a batch's results are all
 * in one partition of the results topic (keyed by batch id), so a reader assigns itself that
 * partition, starts at a known offset (the one {@link JobSubmitter} read before sending the jobs)
 * or at the batch's submission time less {@code resume-lookback} (the time is in the batch id),
 * keeps the batch's records, and drops every result whose job id it has seen. The order results
 * are handed on is the log's, so two readers of one batch hand them on in the same order: skipping
 * the first {@code after} resumes a stream exactly where a client stopped reading it.
 * Each reader polls on a thread of its own. Thread-safe.
 */
public final class BatchResults implements AutoCloseable {

    private static final Log logger = LogFactory.getLog(BatchResults.class);

    private static final Duration POLL = Duration.ofMillis(200);

    private final ConsumerFactory<byte[], byte[]> consumers;
    private final JobCodec codec;
    private final JobEvents events;
    private final String topic;
    private final Duration lookback;
    private final ExecutorService readers;

    public BatchResults(ConsumerFactory<byte[], byte[]> consumers, JobCodec codec, JobEvents events,
            MultifetchKafkaProperties properties) {
        this.consumers = consumers;
        this.codec = codec;
        this.events = events;
        this.topic = properties.getResultsTopic();
        this.lookback = properties.getResumeLookback();
        AtomicInteger count = new AtomicInteger();
        this.readers = Executors.newCachedThreadPool((task) -> JobWorker.daemon(task,
                "multifetch-batch-reader-" + count.incrementAndGet()));
    }

    /** Hears one reader's results, on its thread. */
    public interface Listener {

        /** A result not seen before; false to stop reading. */
        boolean onResult(JobResult result);

        /** The reader stopped: every result is in, the time ran out, it was stopped, or Kafka failed. */
        void onEnd(End end);
    }

    /** Why a reader stopped. */
    public enum End {
        /** Every job of the batch has a result. */
        COMPLETE,
        /** The timeout passed first. */
        TIMED_OUT,
        /** The listener or {@link Reading#stop} stopped it. */
        STOPPED,
        /** Kafka failed. */
        FAILED
    }

    /** A running reader. */
    public interface Reading {

        /** Stops the reader at its next poll; the listener hears {@link End#STOPPED}. */
        void stop();
    }

    /** The partition of the results topic that holds {@code batchId}'s results. */
    public TopicPartition partition(String batchId) {
        try (Consumer<byte[], byte[]> consumer = this.consumers.createConsumer()) {
            return partition(consumer, batchId);
        }
    }

    private TopicPartition partition(Consumer<?, ?> consumer, String batchId) {
        return new TopicPartition(this.topic, JobRouting.partition(batchId, consumer.partitionsFor(this.topic).size()));
    }

    /** The end of {@code batchId}'s results partition now. */
    public long endOffset(String batchId) {
        try (Consumer<byte[], byte[]> consumer = this.consumers.createConsumer()) {
            TopicPartition partition = partition(consumer, batchId);
            return consumer.endOffsets(List.of(partition)).get(partition);
        }
    }

    /**
     * Starts reading {@code batchId}'s results from {@code start} (or, when empty, from the batch's
     * submission time less the look-back), handing on those after the first {@code after} distinct
     * ones, until all are in or {@code timeout} passes.
     */
    public Reading read(String batchId, OptionalLong start, int after, Duration timeout, Listener listener) {
        Reader reader = new Reader(batchId, start, after, System.nanoTime() + timeout.toNanos(), listener);
        this.readers.execute(reader);
        return reader;
    }

    @Override
    public void close() {
        this.readers.shutdownNow();
    }

    /** One reader's poll loop. */
    private final class Reader implements Runnable, Reading {

        private final String batchId;
        private final OptionalLong start;
        private final int after;
        private final long deadlineNanos;
        private final Listener listener;
        private final Set<String> seen = new HashSet<>();
        private volatile boolean stopped;
        private int size = -1;

        Reader(String batchId, OptionalLong start, int after, long deadlineNanos, Listener listener) {
            this.batchId = batchId;
            this.start = start;
            this.after = after;
            this.deadlineNanos = deadlineNanos;
            this.listener = listener;
        }

        @Override
        public void stop() {
            this.stopped = true;
        }

        @Override
        public void run() {
            End end;
            try (Consumer<byte[], byte[]> consumer = BatchResults.this.consumers.createConsumer()) {
                TopicPartition partition = partition(consumer, this.batchId);
                consumer.assign(List.of(partition));
                consumer.seek(partition, startOffset(consumer, partition));
                end = poll(consumer);
            } catch (RuntimeException ex) {
                logger.warn("Reading the results of batch " + this.batchId + " failed", ex);
                end = End.FAILED;
            }
            this.listener.onEnd(end);
        }

        private long startOffset(Consumer<byte[], byte[]> consumer, TopicPartition partition) {
            if (this.start.isPresent()) {
                return this.start.getAsLong();
            }
            long from = BatchIds.submittedAt(this.batchId).orElse(0) - BatchResults.this.lookback.toMillis();
            OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, Math.max(0, from))).get(partition);
            return (found != null) ? found.offset() : consumer.endOffsets(List.of(partition)).get(partition);
        }

        private End poll(Consumer<byte[], byte[]> consumer) {
            while (!this.stopped && System.nanoTime() < this.deadlineNanos) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (!accept(record)) {
                        return End.STOPPED;
                    }
                    if (this.seen.size() == this.size) {
                        return End.COMPLETE;
                    }
                }
            }
            return this.stopped ? End.STOPPED : End.TIMED_OUT;
        }

        /** Hands on {@code record} when it is a new result of the batch past the skipped ones; false to stop. */
        private boolean accept(ConsumerRecord<byte[], byte[]> record) {
            JobResult result;
            try {
                result = BatchResults.this.codec.readResult(record.value());
            } catch (UndecodableJobException ex) {
                logger.debug("Skipping an undecodable result at offset " + record.offset() + ": " + ex.getMessage());
                return true;
            }
            if (!result.batchId().equals(this.batchId)) {
                return true;
            }
            if (!this.seen.add(result.jobId())) {
                BatchResults.this.events.duplicateDropped();
                return true;
            }
            this.size = result.batchSize();
            return this.seen.size() <= this.after || this.listener.onResult(result);
        }
    }
}
