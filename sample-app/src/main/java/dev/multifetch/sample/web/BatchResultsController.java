package dev.multifetch.sample.web;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.multifetch.autoconfigure.kafka.BatchResults;
import dev.multifetch.sample.SampleProperties;
import dev.multifetch.sample.distributed.DistributedBatches;
import dev.multifetch.sample.fetch.FetchResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * Streams the rest of a batch that runs on Kafka, on any instance: the NDJSON lines of
 * {@code POST /api/batch} after the first {@code after}, in the same order, each index once. No
 * instance keeps anything: the batch id says where its results are and since when. At most
 * {@code max-concurrent-batches} such streams run at once (503 beyond).
 */
@RestController
@RequestMapping("/api")
@Tag(name = "fetch")
@ConditionalOnBooleanProperty("multifetch.kafka.enabled")
class BatchResultsController {

    private final DistributedBatches batches;
    private final JsonMapper jsonMapper;
    private final CallWatch callWatch;
    private final Semaphore streams;
    private final int limit;

    BatchResultsController(DistributedBatches batches, JsonMapper jsonMapper, CallWatch callWatch, SampleProperties properties) {
        this.batches = batches;
        this.jsonMapper = jsonMapper;
        this.callWatch = callWatch;
        this.limit = properties.getLimits().getMaxConcurrentBatches();
        this.streams = new Semaphore(this.limit);
    }

    @GetMapping(path = "/batches/{id}/results", produces = MediaType.APPLICATION_NDJSON_VALUE)
    @Operation(summary = "Resume a batch's results",
            description = "The NDJSON lines of POST /api/batch for batch id (its X-Batch-Id) after the first `after`, "
                    + "in the order that stream has them: a client that read k lines asks for after=k, on any instance")
    @ApiResponse(responseCode = "200", description = "The remaining results, one per line", content = @Content(
            mediaType = MediaType.APPLICATION_NDJSON_VALUE, schema = @Schema(implementation = FetchResult.class)))
    @ApiResponse(responseCode = "400", description = "Not a batch id, or after below 0",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE))
    ResponseEntity<ResponseBodyEmitter> results(@PathVariable String id, @RequestParam(defaultValue = "0") int after) {
        if (!this.streams.tryAcquire()) {
            throw new BatchController.BatchesBusyException(this.limit);
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                this.streams.release();
            }
        };
        try {
            ResponseBodyEmitter emitter = new ResponseBodyEmitter(this.batches.resultsTimeout().toMillis());
            AtomicReference<BatchResults.Reading> reading = new AtomicReference<>();
            AtomicBoolean cancelled = new AtomicBoolean();
            Runnable stop = () -> {
                cancelled.set(true);
                BatchResults.Reading running = reading.get();
                if (running != null) {
                    running.stop();
                }
                release.run();
            };
            CallWatch.Watch watch = this.callWatch.watch(emitter, stop);
            emitter.onCompletion(release);
            emitter.onTimeout(stop);
            emitter.onError((failure) -> stop.run());
            BatchRun.Sink sink = new BatchController.EmitterSink(emitter, this.jsonMapper, 0, () -> {
                watch.stop();
                release.run();
            });
            reading.set(this.batches.resume(id, after, new DistributedBatchRun.ToSink(sink, cancelled::get)));
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_NDJSON).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(emitter);
        } catch (RuntimeException ex) {
            release.run();
            throw ex;
        }
    }
}
