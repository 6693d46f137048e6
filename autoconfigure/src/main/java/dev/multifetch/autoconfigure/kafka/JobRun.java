package dev.multifetch.autoconfigure.kafka;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.multifetch.autoconfigure.kafka.JobCodec.UndecodableJobException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.springframework.kafka.core.KafkaProducerException;

/**
 * One job on a worker, from the record taken to the acknowledgment: decode it (an undecodable
 * record goes to the dead-letter topic), run it on the {@link FetchJobHandler}, publish its
 * result, and only once the broker has the result, tell the {@link PartitionLedger} it ended.
 * Publishing that fails is tried again, {@code send-attempts} times in all, with doubling pauses;
 * then the job goes to the dead-letter topic, which is tried until it takes it or the job is
 * cancelled. Nothing here blocks: each step runs on the thread that completed the one before.
 */
final class JobRun {

    private static final Log logger = LogFactory.getLog(JobRun.class);

    private final JobWorker worker;
    private final ConsumerRecord<byte[], byte[]> record;
    private final PartitionLedger ledger;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile CompletableFuture<JobOutcome> fetch;
    private volatile boolean cancelled;
    private long startedAt;
    private volatile String key;

    JobRun(JobWorker worker, ConsumerRecord<byte[], byte[]> record, PartitionLedger ledger) {
        this.worker = worker;
        this.record = record;
        this.ledger = ledger;
    }

    /** Decodes and starts the job; on the consumer thread. */
    void start() {
        this.startedAt = System.currentTimeMillis();
        FetchJob job;
        try {
            job = this.worker.codec().readJob(this.record.value());
        } catch (UndecodableJobException ex) {
            logger.warn("Job at " + where() + " is undecodable (" + ex.getMessage() + "): to " + this.worker.deadLetterTopic());
            deadLetter(ex, "undecodable", 1);
            return;
        }
        this.worker.events().jobStarted(Duration.ofMillis(Math.max(0, this.startedAt - job.submittedAt())));
        this.key = job.key();
        this.worker.keyStarted(this.key);
        run(job, 1);
    }

    /** Stops the job: its fetch is cancelled, nothing more is published or acknowledged. */
    void cancel() {
        this.cancelled = true;
        CompletableFuture<JobOutcome> running = this.fetch;
        if (running != null) {
            running.cancel(true);
        }
        end(false);
    }

    private void run(FetchJob job, int attempt) {
        CompletableFuture<JobOutcome> outcome;
        try {
            outcome = this.worker.handler().handle(job);
        } catch (RuntimeException ex) {
            outcome = CompletableFuture.failedFuture(ex);
        }
        this.fetch = outcome;
        if (this.cancelled) {
            outcome.cancel(true);
            return;
        }
        outcome.whenComplete((done, failure) -> {
            logger.debug("Job " + job.jobId() + " ended: " + ((done != null) ? done.kind() : failure));
            if (this.cancelled) {
                return;
            }
            if (done != null) {
                try {
                    publish(job, done);
                } catch (RuntimeException | LinkageError ex) {
                    logger.error("The result of job " + job.jobId() + " could not be written: to " + this.worker.deadLetterTopic(), ex);
                    deadLetter(ex, "unpublishable", 1);
                }
            } else if (attempt < this.worker.sendAttempts()) {
                logger.warn("Job " + job.jobId() + " could not run (attempt " + attempt + "): " + cause(failure));
                this.worker.later(attempt, () -> run(job, attempt + 1));
            } else {
                deadLetter(cause(failure), "unrunnable", 1);
            }
        });
    }

    private void publish(FetchJob job, JobOutcome outcome) {
        JobResult result = new JobResult(FetchJob.VERSION, job.jobId(), job.batchId(), job.index(), job.batchSize(),
                outcome.kind(), this.worker.workerId(), this.startedAt, System.currentTimeMillis(),
                this.worker.codec().tree(outcome.result()));
        send(() -> this.worker.resultRecord(result, this.record.headers()), 1, () -> {
            this.worker.events().jobCompleted(outcome.kind());
            end(true);
        }, (failure) -> deadLetter(failure, "unpublishable", 1));
    }

    private void deadLetter(Throwable why, String reason, int round) {
        send(() -> this.worker.deadLetterRecord(this.record, why), 1, () -> {
            this.worker.events().deadLettered(reason);
            end(true);
        }, (failure) -> {
            logger.error("Job at " + where() + " reached neither the results nor the dead-letter topic (round " + round
                    + "), trying again: " + failure);
            this.worker.later(this.worker.sendAttempts(), () -> deadLetter(why, reason, round + 1));
        });
    }

    /**
     * Sends the record {@code build} makes, {@code send-attempts} times at most, always from the
     * worker's sending thread: never from a producer callback, where a send waiting for metadata
     * would block the very thread that fetches it, nor from the consumer or engine threads.
     */
    private void send(Supplier<ProducerRecord<byte[], byte[]>> build, int attempt, Runnable sent, Consumer<Throwable> gaveUp) {
        this.worker.later(0, () -> trySend(build, attempt, sent, gaveUp));
    }

    private void trySend(Supplier<ProducerRecord<byte[], byte[]>> build, int attempt, Runnable sent, Consumer<Throwable> gaveUp) {
        if (this.cancelled) {
            return;
        }
        CompletableFuture<?> sending;
        try {
            sending = this.worker.send(build.get());
        } catch (RuntimeException | LinkageError ex) {
            sending = CompletableFuture.failedFuture(ex);
        }
        sending.whenComplete((ok, failure) -> {
            if (failure == null) {
                sent.run();
            } else if (attempt < this.worker.sendAttempts()) {
                logger.warn("Publishing for the job at " + where() + " failed (attempt " + attempt + "), trying again: "
                        + cause(failure));
                this.worker.events().sendRetried();
                this.worker.later(attempt, () -> trySend(build, attempt + 1, sent, gaveUp));
            } else {
                this.worker.later(0, () -> gaveUp.accept(cause(failure)));
            }
        });
    }

    /** The job ended: acknowledged when its result (or dead letter) is durable, {@code false} when cancelled. */
    private void end(boolean durable) {
        if (!this.ended.compareAndSet(false, true)) {
            return;
        }
        if (durable) {
            this.worker.acknowledge(this.ledger, this.record.offset());
        }
        if (this.key != null) {
            this.worker.keyEnded(this.key);
        }
        this.worker.released();
    }

    private String where() {
        return this.record.topic() + "-" + this.record.partition() + "@" + this.record.offset();
    }

    /** What went wrong, out of the wrappers of the futures and of spring-kafka. */
    private static Throwable cause(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof KafkaProducerException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
