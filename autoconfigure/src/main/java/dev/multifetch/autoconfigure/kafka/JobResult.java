package dev.multifetch.autoconfigure.kafka;

import tools.jackson.databind.JsonNode;

/**
 * The result of one job as it travels on the results topic (JSON, version {@value FetchJob#VERSION}),
 * keyed by batch id. A job may be done twice (a worker crashed, or lost its partition, before
 * committing it), so a reader keeps the first result of each {@code jobId} and drops the others.
 *
 * @param v the format version
 * @param jobId the job's id, {@code batchId:index}
 * @param batchId the job's batch
 * @param index the job's position in its batch
 * @param batchSize the number of jobs in the batch, so a reader knows when it has them all
 * @param outcome how the job ended (a failed target is a result too)
 * @param workerId the worker that did it ({@code pid@host})
 * @param startedAt when the worker started it, epoch milliseconds
 * @param finishedAt when it finished, epoch milliseconds
 * @param result what the {@link FetchJobHandler} made of it
 */
public record JobResult(int v, String jobId, String batchId, int index, int batchSize, JobOutcome.Kind outcome,
        String workerId, long startedAt, long finishedAt, JsonNode result) {
}
