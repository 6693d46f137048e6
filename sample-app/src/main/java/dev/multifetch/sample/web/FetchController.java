package dev.multifetch.sample.web;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.multifetch.sample.fetch.FetchResult;
import dev.multifetch.sample.fetch.FetchService;
import dev.multifetch.sample.fetch.FetchSpec;
import dev.multifetch.sample.fetch.RequestValidator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Fetches one URL. The answer is asynchronous: no servlet thread waits while the engine's selector
 * thread runs the transfer. A target that fails is still a 200 whose {@code error} says why; a
 * request that breaks a rule is a 400 problem naming the field and the rule. A client that goes
 * away before the answer cancels its transfer.
 */
@RestController
@RequestMapping("/api")
@Tag(name = "fetch", description = "Fetch URLs through the multifetch engine")
class FetchController {

    private final RequestValidator validator;
    private final FetchService service;

    FetchController(RequestValidator validator, FetchService service) {
        this.validator = validator;
        this.service = service;
    }

    @PostMapping(path = "/fetch", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Fetch one URL with options",
            description = "200 with the target's response, or with error set when the target failed; 400 problem for an invalid request")
    @ApiResponse(responseCode = "400", description = "The request breaks a rule: errors lists each field and rule",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE))
    DeferredResult<FetchResult> fetch(@RequestBody FetchSpec spec) {
        return cancelledWithTheCall(this.service.fetch(this.validator.validate(spec)));
    }

    @GetMapping(path = "/fetch", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Fetch one URL with GET and every option at its default")
    DeferredResult<FetchResult> fetch(
            @Parameter(description = "absolute http or https URL") @RequestParam(required = false) String url) {
        return cancelledWithTheCall(this.service.fetch(this.validator.validate(FetchSpec.of(url))));
    }

    /**
     * The answer to the call, bound to the fetch both ways: the fetch's result completes it, and a
     * call that ends first (the client disconnected, or the async request timed out) cancels the
     * fetch, so its transfer stops instead of running to its own timeout.
     */
    static DeferredResult<FetchResult> cancelledWithTheCall(CompletableFuture<FetchResult> fetch) {
        DeferredResult<FetchResult> answer = new DeferredResult<>();
        answer.onError((failure) -> fetch.cancel(true));
        answer.onTimeout(() -> fetch.cancel(true));
        fetch.whenComplete((result, failure) -> {
            if (failure == null) {
                answer.setResult(result);
            } else {
                answer.setErrorResult((failure instanceof CompletionException && failure.getCause() != null)
                        ? failure.getCause() : failure);
            }
        });
        return answer;
    }
}
