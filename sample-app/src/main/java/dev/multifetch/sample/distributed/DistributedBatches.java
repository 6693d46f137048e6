package dev.multifetch.sample.distributed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import dev.multifetch.autoconfigure.kafka.BatchIds;
import dev.multifetch.autoconfigure.kafka.BatchResults;
import dev.multifetch.autoconfigure.kafka.JobResult;
import dev.multifetch.autoconfigure.kafka.JobSubmitter;
import dev.multifetch.sample.fetch.FetchResult;
import dev.multifetch.sample.fetch.FetchSpec;
import dev.multifetch.sample.fetch.InvalidRequestException;
import dev.multifetch.sample.fetch.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * Batches on Kafka: submits a checked batch as one job per request (keyed by host, so a host's
 * jobs run on one worker at its pace) and streams its results back as they reach the results topic,
 * each index once; any instance can stream the rest of a batch from its id alone. Thread-safe.
 */
public final class DistributedBatches {

    private final JobSubmitter submitter;
    private final BatchResults results;
    private final JsonMapper jsonMapper;
    private final DistributedProperties properties;

    public DistributedBatches(JobSubmitter submitter, BatchResults results, JsonMapper jsonMapper,
            DistributedProperties properties) {
        this.submitter = submitter;
        this.results = results;
        this.jsonMapper = jsonMapper;
        this.properties = properties;
    }

    /** Hears a batch's results, on a reader thread. */
    public interface Listener {

        /** A result not seen before; false to stop. */
        boolean onResult(FetchResult result);

        /** The stream ended: {@code complete} when every index is in. */
        void onEnd(boolean complete);
    }

    /** A batch submitted, its results being read. */
    public record Started(String batchId, BatchResults.Reading reading) {
    }

    /** How long a stream waits for a batch's results. */
    public Duration resultsTimeout() {
        return this.properties.getResultsTimeout();
    }

    /** The requests to one host beyond {@code max-jobs-per-host}, as violations (none when within). */
    public List<Violation> checkHostCaps(List<FetchSpec> requests) {
        Map<String, Integer> perHost = new HashMap<>();
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            String key = this.submitter.key(requests.get(i).url());
            if (perHost.merge(key, 1, Integer::sum) == this.properties.getMaxJobsPerHost() + 1) {
                violations.add(new Violation("requests[" + i + "].url", "max-per-host", "is one request too many to " + key
                        + ": a batch may send at most " + this.properties.getMaxJobsPerHost()
                        + " to one host (multifetch.sample.distributed.max-jobs-per-host)"));
            }
        }
        return violations;
    }

    /**
     * Sends the batch's jobs and starts reading its results.
     *
     * @throws ResponseStatusException 503 when the broker does not take the jobs in time
     */
    public Started submit(List<FetchSpec> requests, Listener listener) {
        List<JsonNode> jobs = requests.stream().map((spec) -> (JsonNode) this.jsonMapper.valueToTree(spec)).toList();
        JobSubmitter.SubmittedBatch batch;
        try {
            batch = this.submitter.submit(jobs, this.properties.getSubmitTimeout());
        } catch (JobSubmitter.SubmissionException ex) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the batch could not be queued: " + ex.getMessage(), ex);
        }
        return new Started(batch.batchId(), read(batch.batchId(), OptionalLong.of(batch.resultsStart()), 0, listener));
    }

    /**
     * Streams {@code batchId}'s results after the first {@code after} (in the order every stream
     * of it has them).
     *
     * @throws InvalidRequestException when {@code batchId} is not a batch id
     */
    public BatchResults.Reading resume(String batchId, int after, Listener listener) {
        if (BatchIds.submittedAt(batchId).isEmpty()) {
            throw new InvalidRequestException("id", "batch-id", "\"" + batchId + "\" is not a batch id (the X-Batch-Id of a batch)");
        }
        if (after < 0) {
            throw new InvalidRequestException("after", "range", "must be at least 0, was " + after);
        }
        return read(batchId, OptionalLong.empty(), after, listener);
    }

    private BatchResults.Reading read(String batchId, OptionalLong start, int after, Listener listener) {
        return this.results.read(batchId, start, after, this.properties.getResultsTimeout(), new BatchResults.Listener() {
            @Override
            public boolean onResult(JobResult result) {
                return listener.onResult(DistributedBatches.this.jsonMapper.treeToValue(result.result(), FetchResult.class)
                    .withIndex(result.index()));
            }

            @Override
            public void onEnd(BatchResults.End end) {
                listener.onEnd(end == BatchResults.End.COMPLETE);
            }
        });
    }
}
