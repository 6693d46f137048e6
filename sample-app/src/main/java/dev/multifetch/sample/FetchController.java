package dev.multifetch.sample;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Fetches a URL through the engine and answers with what came back. The answer is asynchronous:
 * no servlet thread waits while the engine's selector thread runs the transfer. A transfer that
 * fails is still a 200 whose {@code error} says why; only a missing URL is a client error.
 */
@RestController
@RequestMapping("/api")
class FetchController {

    private final FetchEngine engine;

    FetchController(FetchEngine engine) {
        this.engine = engine;
    }

    @GetMapping("/fetch")
    CompletableFuture<FetchResult> fetch(@RequestParam(required = false) String url) {
        if (url == null || url.isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "query parameter 'url' is required");
        }
        return this.engine.fetch(FetchRequest.get(url))
            .thenApply((response) -> FetchResult.of(url, response))
            .exceptionally((failure) -> FetchResult.failed(url, fetchException(failure)));
    }

    /** The transfer's {@link FetchException}; anything else is not a target failure and propagates. */
    private static FetchException fetchException(Throwable failure) {
        Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
        if (cause instanceof FetchException fetchException) {
            return fetchException;
        }
        throw (failure instanceof CompletionException completion) ? completion : new CompletionException(cause);
    }
}
