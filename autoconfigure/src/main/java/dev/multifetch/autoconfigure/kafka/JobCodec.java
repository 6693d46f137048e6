package dev.multifetch.autoconfigure.kafka;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes {@link FetchJob} and {@link JobResult} records as UTF-8 JSON. A job that is
 * not JSON, has another version or lacks a field is an {@link UndecodableJobException}: it goes
 * straight to the dead-letter topic. Unknown fields are ignored, so a newer writer may add some.
 * Thread-safe.
 */
public final class JobCodec {

    private final JsonMapper mapper;

    /** A codec with its own mapper. */
    public JobCodec() {
        this(JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
    }

    JobCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public byte[] write(FetchJob job) {
        return this.mapper.writeValueAsBytes(job);
    }

    public byte[] write(JobResult result) {
        return this.mapper.writeValueAsBytes(result);
    }

    /** {@code value} as a JSON tree, for a job's request or result. */
    public JsonNode tree(Object value) {
        return this.mapper.valueToTree(value);
    }

    /** {@code node} read as a {@code type}. */
    public <T> T read(JsonNode node, Class<T> type) {
        return this.mapper.treeToValue(node, type);
    }

    /** The job in {@code value}, checked. */
    public FetchJob readJob(byte[] value) throws UndecodableJobException {
        FetchJob job = parse(value, FetchJob.class);
        if (job.jobId() == null || job.batchId() == null || job.request() == null || !job.request().isObject()
                || job.url() == null || job.index() < 0 || job.batchSize() <= job.index()) {
            throw new UndecodableJobException("a job needs jobId, batchId, 0 <= index < batchSize and request.url");
        }
        return job;
    }

    /** The result in {@code value}, checked. */
    public JobResult readResult(byte[] value) throws UndecodableJobException {
        JobResult result = parse(value, JobResult.class);
        if (result.jobId() == null || result.batchId() == null || result.index() < 0 || result.batchSize() <= result.index()) {
            throw new UndecodableJobException("a result needs jobId, batchId and 0 <= index < batchSize");
        }
        return result;
    }

    private <T> T parse(byte[] value, Class<T> type) throws UndecodableJobException {
        if (value == null) {
            throw new UndecodableJobException("no value (a tombstone)");
        }
        JsonNode tree;
        try {
            tree = this.mapper.readTree(value);
        } catch (JacksonException ex) {
            throw new UndecodableJobException("not JSON: " + ex.getOriginalMessage(), ex);
        }
        JsonNode version = tree.get("v");
        if (version == null || !version.isInt() || version.intValue() != FetchJob.VERSION) {
            throw new UndecodableJobException("version " + version + ", expected " + FetchJob.VERSION);
        }
        try {
            return this.mapper.treeToValue(tree, type);
        } catch (JacksonException ex) {
            throw new UndecodableJobException("not a " + type.getSimpleName() + ": " + ex.getOriginalMessage(), ex);
        }
    }

    /** A record on a multifetch topic that is not a job or result of a known version. */
    public static final class UndecodableJobException extends Exception {

        private static final long serialVersionUID = 1L;

        UndecodableJobException(String message) {
            super(message);
        }

        UndecodableJobException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
