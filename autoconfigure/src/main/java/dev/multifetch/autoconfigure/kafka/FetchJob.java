package dev.multifetch.autoconfigure.kafka;

import tools.jackson.databind.JsonNode;

/**
 * One fetch job as it travels on the jobs topic (JSON, version {@value #VERSION}). The
 * {@code request} is whatever the {@link FetchJobHandler} understands; the default handler reads
 * {@code url}, {@code method}, {@code headers}, {@code body}, {@code timeoutMs},
 * {@code connectTimeoutMs} and {@code maxBodyBytes}. The record's key is {@code key}.
 *
 * @param v the format version, {@value #VERSION}
 * @param jobId unique per job, {@code batchId:index}: readers drop results with a job id seen before
 * @param batchId the batch the job belongs to; the key of its results
 * @param index the job's position in its batch, 0-based
 * @param batchSize the number of jobs in the batch
 * @param key the politeness key its partition was chosen by
 * @param submittedAt when it was submitted, epoch milliseconds
 * @param request what to fetch, with at least {@code url}
 */
public record FetchJob(int v, String jobId, String batchId, int index, int batchSize, String key, long submittedAt,
        JsonNode request) {

    /** The format version written and understood. */
    public static final int VERSION = 1;

    /** The job id of element {@code index} of batch {@code batchId}. */
    public static String jobId(String batchId, int index) {
        return batchId + ":" + index;
    }

    /** The URL of the request, or {@code null} when it has none. */
    public String url() {
        JsonNode url = this.request.get("url");
        return (url != null && url.isString()) ? url.asString() : null;
    }
}
