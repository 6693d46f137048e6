package dev.multifetch.sample.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import dev.multifetch.autoconfigure.kafka.FetchJob;
import dev.multifetch.autoconfigure.kafka.FetchJobHandler;
import dev.multifetch.autoconfigure.kafka.JobOutcome;
import dev.multifetch.sample.fetch.FetchPlan;
import dev.multifetch.sample.fetch.FetchResult;
import dev.multifetch.sample.fetch.FetchService;
import dev.multifetch.sample.fetch.FetchSpec;
import dev.multifetch.sample.fetch.RequestValidator;
import dev.multifetch.sample.fetch.Violation;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample app's worker: a job's request is a {@link FetchSpec}, checked again here with every
 * rule of {@code POST /api/fetch}, the SSRF guard's URL check among them (the jobs topic is a trust
 * boundary: whoever wrote the job, this worker's guard decides), then fetched by the
 * {@link FetchService}, whose engine judges every address it connects to. The result is the
 * {@link FetchResult} line of the batch stream, with its index.
 */
public final class SampleJobHandler implements FetchJobHandler {

    /** The error code of a job whose URL the guard refused: the same as {@code POST /api/batch}'s. */
    public static final String GUARD_REFUSED = "DENIED_BY_SSRF_GUARD";

    /** The error code of a job whose request breaks another rule. */
    public static final String INVALID_JOB = "INVALID_JOB";

    private final RequestValidator validator;
    private final FetchService service;
    private final JsonMapper jsonMapper;

    public SampleJobHandler(RequestValidator validator, FetchService service, JsonMapper jsonMapper) {
        this.validator = validator;
        this.service = service;
        this.jsonMapper = jsonMapper;
    }

    @Override
    public CompletableFuture<JobOutcome> handle(FetchJob job) {
        FetchSpec spec;
        try {
            spec = this.jsonMapper.treeToValue(job.request(), FetchSpec.class);
        } catch (JacksonException ex) {
            return known(job, JobOutcome.Kind.INVALID, FetchResult.failed(job.url(), INVALID_JOB,
                    "not a fetch request: " + ex.getOriginalMessage()));
        }
        List<Violation> violations = new ArrayList<>();
        FetchPlan plan = this.validator.validate(spec, "", violations);
        if (!violations.isEmpty()) {
            String why = violations.stream().map((v) -> v.field() + " " + v.message()).collect(Collectors.joining("; "));
            return violations.stream().allMatch(RequestValidator::isGuardRefusal)
                    ? known(job, JobOutcome.Kind.REFUSED, FetchResult.failed(spec.url(), GUARD_REFUSED, why))
                    : known(job, JobOutcome.Kind.INVALID, FetchResult.failed(spec.url(), INVALID_JOB, why));
        }
        CompletableFuture<FetchResult> fetching = this.service.fetch(plan);
        CompletableFuture<JobOutcome> outcome = fetching
            .thenApply((result) -> new JobOutcome(kind(result), result.withIndex(job.index())));
        outcome.whenComplete((done, failure) -> {
            if (outcome.isCancelled()) {
                fetching.cancel(true);
            }
        });
        return outcome;
    }

    private static CompletableFuture<JobOutcome> known(FetchJob job, JobOutcome.Kind kind, FetchResult result) {
        return CompletableFuture.completedFuture(new JobOutcome(kind, result.withIndex(job.index())));
    }

    private static JobOutcome.Kind kind(FetchResult result) {
        if (result.error() != null) {
            return JobOutcome.Kind.FETCH_ERROR;
        }
        return (result.status() >= 400) ? JobOutcome.Kind.HTTP_ERROR : JobOutcome.Kind.SUCCESS;
    }
}
