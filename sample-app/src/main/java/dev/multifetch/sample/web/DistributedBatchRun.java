package dev.multifetch.sample.web;

import java.util.List;

import dev.multifetch.sample.distributed.DistributedBatches;
import dev.multifetch.sample.fetch.FetchResult;
import dev.multifetch.sample.fetch.FetchSpec;
import dev.multifetch.sample.fetch.InvalidRequestException;
import dev.multifetch.sample.fetch.Violation;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * A batch run on Kafka: {@link #start} sends its jobs (or fails with a 503) and its results come
 * to the sink as they reach the results topic, each index once. The answer carries the batch id
 * ({@value #BATCH_ID}) and where any instance streams the rest of it ({@code Location}).
 */
final class DistributedBatchRun implements Batch {

    /** The answer's header with the batch id. */
    static final String BATCH_ID = "X-Batch-Id";

    private final List<FetchSpec> requests;
    private final DistributedBatches batches;
    private final BatchRun.Sink sink;
    private volatile DistributedBatches.Started started;
    private volatile boolean cancelled;

    DistributedBatchRun(List<FetchSpec> requests, DistributedBatches batches, BatchRun.Sink sink) {
        this.requests = requests;
        this.batches = batches;
        this.sink = sink;
    }

    /** A 400 when the batch sends more requests to one host than the service allows. */
    static void checkHostCaps(DistributedBatches batches, List<FetchSpec> requests) {
        List<Violation> violations = batches.checkHostCaps(requests);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
    }

    @Override
    public void start() {
        this.started = this.batches.submit(this.requests, new ToSink(this.sink, () -> this.cancelled));
    }

    @Override
    public void cancel() {
        this.cancelled = true;
        DistributedBatches.Started running = this.started;
        if (running != null) {
            running.reading().stop();
        }
    }

    /** Adds the batch id and the resume location to the answer. */
    void headers(ResponseEntity.BodyBuilder answer) {
        String id = this.started.batchId();
        answer.header(BATCH_ID, id).header(HttpHeaders.LOCATION, "/api/batches/" + id + "/results");
    }

    /** Hands results to a sink until it takes no more; ends it once every result is in or the reader stops. */
    record ToSink(BatchRun.Sink sink, java.util.function.BooleanSupplier cancelled) implements DistributedBatches.Listener {

        @Override
        public boolean onResult(FetchResult result) {
            return !this.cancelled.getAsBoolean() && this.sink.accept(result);
        }

        @Override
        public void onEnd(boolean complete) {
            if (!this.cancelled.getAsBoolean()) {
                this.sink.done();
            }
        }
    }
}
