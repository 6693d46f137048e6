package dev.multifetch.sample.web;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import dev.multifetch.sample.fetch.FetchResult;
import dev.multifetch.sample.fetch.FetchService;
import dev.multifetch.sample.fetch.FetchSpec;
import dev.multifetch.sample.fetch.RequestValidator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * Fetches one URL. The answer is asynchronous: no servlet thread waits while the engine's selector
 * thread runs the transfer. A target that fails is still a 200 whose {@code error} says why; a
 * request that breaks a rule is a 400 problem naming the field and the rule. A client that goes
 * away before the answer cancels its transfer ({@link CallWatch}).
 */
@RestController
@RequestMapping("/api")
@Tag(name = "fetch", description = "Fetch URLs through the multifetch engine")
class FetchController {

    private final RequestValidator validator;
    private final FetchService service;
    private final CallWatch callWatch;

    FetchController(RequestValidator validator, FetchService service, CallWatch callWatch) {
        this.validator = validator;
        this.service = service;
        this.callWatch = callWatch;
    }

    @PostMapping(path = "/fetch", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Fetch one URL with options",
            description = "200 with the target's response, or with error set when the target failed; 400 problem for an invalid request")
    @ApiResponse(responseCode = "200", description = "The result; while the fetch runs, spaces (valid JSON whitespace) keep "
            + "checking that the client is still there", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = FetchResult.class)))
    @ApiResponse(responseCode = "400", description = "The request breaks a rule: errors lists each field and rule",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE))
    ResponseEntity<ResponseBodyEmitter> fetch(@RequestBody FetchSpec spec) {
        return answer(this.service.fetch(this.validator.validate(spec)));
    }

    @GetMapping(path = "/fetch", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Fetch one URL with GET and every option at its default")
    @ApiResponse(responseCode = "200", description = "The result", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = FetchResult.class)))
    ResponseEntity<ResponseBodyEmitter> fetch(
            @Parameter(description = "absolute http or https URL") @RequestParam(required = false) String url) {
        return answer(this.service.fetch(this.validator.validate(FetchSpec.of(url))));
    }

    /**
     * The answer to the call, bound to the fetch both ways: the fetch's result completes it, and a
     * call that ends first (the client went away, as the {@link CallWatch} notices, or the async
     * request timed out) cancels the fetch, so its transfer stops instead of running to its own
     * timeout.
     */
    private ResponseEntity<ResponseBodyEmitter> answer(CompletableFuture<FetchResult> fetch) {
        ResponseBodyEmitter emitter = new ResponseBodyEmitter();
        CallWatch.Watch watch = this.callWatch.watch(emitter, () -> fetch.cancel(true));
        emitter.onTimeout(() -> fetch.cancel(true));
        emitter.onError((failure) -> fetch.cancel(true));
        fetch.whenComplete((result, failure) -> {
            watch.stop();
            if (failure instanceof CancellationException) {
                // cancelled because the call ended first: the watch or the container has ended the answer
                return;
            }
            if (failure != null) {
                emitter.completeWithError(failure);
                return;
            }
            try {
                emitter.send(result, MediaType.APPLICATION_JSON);
                emitter.complete();
            } catch (IOException | IllegalStateException clientGone) {
                emitter.completeWithError(clientGone);
            }
        });
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(emitter);
    }
}
