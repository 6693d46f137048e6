package dev.multifetch.autoconfigure.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import org.springframework.kafka.core.KafkaOperations;
import tools.jackson.databind.JsonNode;

/**
 * Submits a batch of fetch jobs: each job keyed (and partitioned) by the politeness key of its URL,
 * so every job of a host lands in one partition and so on one worker. The results partition's end
 * is read before the first job is sent, so a reader started there misses none of the batch's
 * results. Thread-safe.
 */
public final class JobSubmitter {

    private final KafkaOperations<byte[], byte[]> producer;
    private final JobCodec codec;
    private final JobRouting routing;
    private final BatchResults results;
    private final String jobsTopic;

    public JobSubmitter(KafkaOperations<byte[], byte[]> producer, JobCodec codec, JobRouting routing, BatchResults results,
            MultifetchKafkaProperties properties) {
        this.producer = producer;
        this.codec = codec;
        this.routing = routing;
        this.results = results;
        this.jobsTopic = properties.getJobsTopic();
    }

    /** The politeness key {@code url}'s job is sent with. */
    public String key(String url) {
        return this.routing.key(url);
    }

    /**
     * Sends one job per request (each a JSON object with at least {@code url}), in order, and
     * waits until the broker has them all.
     *
     * @throws SubmissionException when the broker did not take them all within {@code timeout}:
     * some jobs may have been sent; their results may still come
     */
    public SubmittedBatch submit(List<JsonNode> requests, Duration timeout) throws SubmissionException {
        long now = System.currentTimeMillis();
        String batchId = BatchIds.next(now);
        long resultsStart = this.results.endOffset(batchId);
        int partitions = this.producer.partitionsFor(this.jobsTopic).size();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            String key = key(requests.get(i).path("url").asString(null));
            FetchJob job = new FetchJob(FetchJob.VERSION, FetchJob.jobId(batchId, i), batchId, i, requests.size(), key, now,
                    requests.get(i));
            Headers headers = new RecordHeaders();
            headers.add(JobWorker.JOB_ID_HEADER, job.jobId().getBytes(StandardCharsets.UTF_8));
            headers.add(JobWorker.BATCH_ID_HEADER, batchId.getBytes(StandardCharsets.UTF_8));
            sends.add(this.producer.send(new ProducerRecord<>(this.jobsTopic, JobRouting.partition(key, partitions),
                    key.getBytes(StandardCharsets.UTF_8), this.codec.write(job), headers)));
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException ex) {
            throw new SubmissionException("the jobs topic " + this.jobsTopic + " did not take batch " + batchId + ": " + ex, ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new SubmissionException("interrupted while submitting batch " + batchId, ex);
        }
        return new SubmittedBatch(batchId, requests.size(), resultsStart);
    }

    /**
     * A batch whose jobs the broker has.
     *
     * @param batchId its id: the key of its results
     * @param size its number of jobs
     * @param resultsStart the offset of its results partition before its first job was sent
     */
    public record SubmittedBatch(String batchId, int size, long resultsStart) {
    }

    /** The jobs of a batch could not all be sent. */
    public static final class SubmissionException extends Exception {

        private static final long serialVersionUID = 1L;

        SubmissionException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
