package dev.multifetch.sample.web;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;

import dev.multifetch.sample.SampleProperties;
import dev.multifetch.sample.distributed.DistributedBatches;
import dev.multifetch.sample.fetch.FetchPlan;
import dev.multifetch.sample.fetch.FetchResult;
import dev.multifetch.sample.fetch.FetchService;
import dev.multifetch.sample.fetch.FetchSpec;
import dev.multifetch.sample.fetch.InvalidRequestException;
import dev.multifetch.sample.fetch.RequestValidator;
import dev.multifetch.sample.fetch.Violation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * Runs a batch of fetches. By default the answer is {@code application/x-ndjson}: one line per
 * result, written the moment that fetch completes (each with its {@code index}), so the first
 * line arrives long before the slowest fetch ends. With {@code Accept: application/json} the
 * answer is one JSON array in request order, once all are done. Every request of the batch is
 * checked before any starts: a malformed one makes the whole batch a 400, while one whose URL the
 * SSRF guard refuses comes back as its own error line ({@value #GUARD_REFUSED}) and the others are
 * fetched. At most {@code max-concurrent-batches} run at once (503 beyond). A batch's
 * {@code minIntervalMs} spaces the starts of its own requests; the engine's politeness
 * ({@code multifetch.politeness.*}) paces each host across every caller, batches included.
 */
@RestController
@RequestMapping("/api")
@Tag(name = "fetch")
class BatchController {

    /**
     * The error code of a batch item whose URL the SSRF guard refused before fetching; a fetch
     * refused at connect time is a {@code COULDNT_CONNECT} as elsewhere.
     */
    static final String GUARD_REFUSED = "DENIED_BY_SSRF_GUARD";

    /** Time past the slowest possible fetch round before the stream gives up. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    private final RequestValidator validator;
    private final FetchService service;
    private final SampleProperties.Limits limits;
    private final JsonMapper jsonMapper;
    private final Semaphore batches;
    private final CallWatch callWatch;
    private final DistributedBatches distributed;

    BatchController(RequestValidator validator, FetchService service, SampleProperties properties, JsonMapper jsonMapper,
            CallWatch callWatch, ObjectProvider<DistributedBatches> distributed) {
        this.validator = validator;
        this.service = service;
        this.callWatch = callWatch;
        this.distributed = distributed.getIfAvailable();
        this.limits = properties.getLimits();
        this.jsonMapper = jsonMapper;
        this.batches = new Semaphore(this.limits.getMaxConcurrentBatches());
    }

    @PostMapping(path = "/batch", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = { MediaType.APPLICATION_NDJSON_VALUE, MediaType.APPLICATION_JSON_VALUE })
    @Operation(summary = "Fetch many URLs",
            description = "application/x-ndjson (default): one result per line as each completes, with its index; "
                    + "Accept: application/json: an array in request order. 400 problem if any request is malformed; "
                    + "a URL the SSRF guard refuses is that item's error (DENIED_BY_SSRF_GUARD), the others are fetched; "
                    + "503 when too many batches run")
    @ApiResponse(responseCode = "200", description = "The results, each with its index", content = {
        @Content(mediaType = MediaType.APPLICATION_NDJSON_VALUE, schema = @Schema(implementation = FetchResult.class)),
        @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, array = @ArraySchema(schema = @Schema(implementation = FetchResult.class))) })
    @ApiResponse(responseCode = "400", description = "A request of the batch breaks a rule: errors lists each field and rule",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE))
    @ApiResponse(responseCode = "503", description = "Too many batches are running; Retry-After says when to try again",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE))
    ResponseEntity<ResponseBodyEmitter> batch(@RequestBody BatchSpec spec,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        List<BatchRun.Item> plans = validate(spec);
        if (this.distributed != null) {
            DistributedBatchRun.checkHostCaps(this.distributed, spec.requests());
        }
        int concurrency = (spec.concurrency() != null) ? spec.concurrency() : this.limits.getDefaultBatchConcurrency();
        if (!this.batches.tryAcquire()) {
            throw new BatchesBusyException(this.limits.getMaxConcurrentBatches());
        }
        AtomicBoolean released = new AtomicBoolean();
        try {
            return stream(spec, plans, concurrency, spec.minInterval(), wantsArray(accept), released);
        } catch (RuntimeException ex) {
            release(released);
            throw ex;
        }
    }

    private ResponseEntity<ResponseBodyEmitter> stream(BatchSpec spec, List<BatchRun.Item> plans, int concurrency,
            Duration interval, boolean array, AtomicBoolean released) {
        Duration deadline = (this.distributed != null) ? this.distributed.resultsTimeout()
                : deadline(plans, concurrency, interval);
        ResponseBodyEmitter emitter = new ResponseBodyEmitter(deadline.toMillis());
        Runnable release = () -> release(released);
        // a batch done before the emitter is handed to MVC never gets these callbacks: the sink releases then
        emitter.onCompletion(release);
        AtomicReference<Batch> running = new AtomicReference<>();
        CallWatch.Watch watch = this.callWatch.watch(emitter, () -> {
            running.get().cancel();
            release.run();
        });
        BatchRun.Sink sink = new EmitterSink(emitter, this.jsonMapper, array ? plans.size() : 0, () -> {
            watch.stop();
            release.run();
        });
        Batch run = (this.distributed != null) ? new DistributedBatchRun(spec.requests(), this.distributed, sink)
                : new BatchRun(plans, Math.min(concurrency, plans.size()), interval, this.service, sink);
        running.set(run);
        emitter.onTimeout(() -> {
            watch.stop();
            run.cancel();
            release.run();
        });
        emitter.onError((failure) -> {
            watch.stop();
            run.cancel();
            release.run();
        });
        run.start();
        MediaType type = array ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_NDJSON;
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(type).header(HttpHeaders.CACHE_CONTROL, "no-store");
        if (run instanceof DistributedBatchRun onKafka) {
            onKafka.headers(ok);
        }
        return ok.body(emitter);
    }

    private List<BatchRun.Item> validate(BatchSpec spec) {
        List<FetchSpec> requests = spec.requests();
        if (requests == null || requests.isEmpty()) {
            throw new InvalidRequestException("requests", "required", "must hold at least one request");
        }
        List<Violation> violations = new ArrayList<>();
        if (requests.size() > this.limits.getMaxBatchSize()) {
            violations.add(new Violation("requests", "max-size", "has " + requests.size()
                    + " requests, more than the limit of " + this.limits.getMaxBatchSize() + " (multifetch.sample.limits.max-batch-size)"));
        }
        Integer concurrency = spec.concurrency();
        if (concurrency != null && (concurrency < 1 || concurrency > this.limits.getMaxBatchConcurrency())) {
            violations.add(new Violation("concurrency", "range", "must be between 1 and " + this.limits.getMaxBatchConcurrency()
                    + " (multifetch.sample.limits.max-batch-concurrency), was " + concurrency));
        }
        long maxInterval = this.limits.getMaxBatchInterval().toMillis();
        Long interval = spec.minIntervalMs();
        if (interval != null && (interval < 0 || interval > maxInterval)) {
            violations.add(new Violation("minIntervalMs", "range", "must be between 0 and " + maxInterval
                    + " (multifetch.sample.limits.max-batch-interval), was " + interval));
        }
        List<BatchRun.Item> items = new ArrayList<>();
        for (int i = 0; i < requests.size() && violations.size() < 50; i++) {
            FetchSpec request = requests.get(i);
            if (request == null) {
                violations.add(new Violation("requests[" + i + "]", "required", "must be a request object, was null"));
            } else {
                items.add(item(request, "requests[" + i + "].", violations));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return items;
    }

    /**
     * One request of the batch: a plan, or, when the SSRF guard refused its URL and nothing else
     * is wrong with it, a refusal reported on its own line while the others are fetched. Any
     * other broken rule joins {@code violations}: the batch is malformed, a 400.
     */
    private BatchRun.Item item(FetchSpec request, String prefix, List<Violation> violations) {
        List<Violation> own = new ArrayList<>();
        FetchPlan plan = this.validator.validate(request, prefix, own);
        if (!own.isEmpty() && own.stream().allMatch(RequestValidator::isGuardRefusal)) {
            String why = own.stream().map(Violation::message).collect(Collectors.joining("; "));
            return BatchRun.Item.refused(FetchResult.failed(request.url(), GUARD_REFUSED, "url " + why));
        }
        violations.addAll(own);
        return BatchRun.Item.of(plan);
    }

    /** Long enough for every round of the batch to run into its timeout, its starts spaced by {@code interval}. */
    private static Duration deadline(List<BatchRun.Item> plans, int concurrency, Duration interval) {
        Duration longest = plans.stream().map(BatchRun.Item::timeout).max(Duration::compareTo).orElse(Duration.ZERO);
        int rounds = (plans.size() + concurrency - 1) / concurrency;
        return longest.multipliedBy(rounds).plus(interval.multipliedBy(plans.size())).plus(SLACK);
    }

    private void release(AtomicBoolean released) {
        if (released.compareAndSet(false, true)) {
            this.batches.release();
        }
    }

    /** Whether the client asked for the JSON array rather than the NDJSON stream. */
    static boolean wantsArray(String accept) {
        if (accept == null) {
            return false;
        }
        try {
            List<MediaType> types = MediaType.parseMediaTypes(accept);
            return types.stream().anyMatch(MediaType.APPLICATION_JSON::equalsTypeAndSubtype)
                    && types.stream().noneMatch(MediaType.APPLICATION_NDJSON::equalsTypeAndSubtype);
        } catch (InvalidMediaTypeException ex) {
            return false;
        }
    }

    /**
     * Writes results to the response: each as an NDJSON line at once, or (for {@code arraySize} > 0)
     * kept in request order and written as one JSON array when the last is in.
     */
    static final class EmitterSink implements BatchRun.Sink {

        private final ResponseBodyEmitter emitter;
        private final JsonMapper jsonMapper;
        private final AtomicReferenceArray<FetchResult> inOrder;
        private final Runnable release;

        EmitterSink(ResponseBodyEmitter emitter, JsonMapper jsonMapper, int arraySize, Runnable release) {
            this.emitter = emitter;
            this.jsonMapper = jsonMapper;
            this.inOrder = (arraySize > 0) ? new AtomicReferenceArray<>(arraySize) : null;
            this.release = release;
        }

        @Override
        public boolean accept(FetchResult result) {
            if (this.inOrder != null) {
                this.inOrder.set(result.index(), result);
                return true;
            }
            return send(this.jsonMapper.writeValueAsString(result) + "\n");
        }

        @Override
        public void done() {
            try {
                if (this.inOrder != null) {
                    List<FetchResult> all = new ArrayList<>();
                    for (int i = 0; i < this.inOrder.length(); i++) {
                        all.add(this.inOrder.get(i));
                    }
                    if (!send(this.jsonMapper.writeValueAsString(all))) {
                        return;
                    }
                }
                this.emitter.complete();
            } finally {
                this.release.run();
            }
        }

        private boolean send(String text) {
            try {
                this.emitter.send(text, MediaType.TEXT_PLAIN);
                return true;
            } catch (IOException | IllegalStateException clientGone) {
                this.emitter.completeWithError(clientGone);
                this.release.run();
                return false;
            }
        }
    }

    /** Thrown when {@code max-concurrent-batches} batches are already running: a 503. */
    static final class BatchesBusyException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        BatchesBusyException(int limit) {
            super(limit + " batches are running, the most allowed (multifetch.sample.limits.max-concurrent-batches); retry shortly");
        }
    }
}
