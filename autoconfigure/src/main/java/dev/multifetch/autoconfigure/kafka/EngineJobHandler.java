package dev.multifetch.autoconfigure.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import tools.jackson.databind.JsonNode;

/**
 * The default {@link FetchJobHandler}: the job's request ({@code url}, {@code method},
 * {@code headers}, {@code body}, {@code timeoutMs}, {@code connectTimeoutMs}, {@code maxBodyBytes})
 * fetched on the engine, the result a {@link Result}. Only http and https URLs are fetched; the
 * engine's connect policy, when it has one, judges every address it connects to. A request that is
 * not of this shape is {@link JobOutcome.Kind#INVALID}.
 */
public final class EngineJobHandler implements FetchJobHandler {

    /** Characters of the body kept in a result; Kafka's default record limit is 1 MB. */
    static final int MAX_BODY_CHARS = 64 * 1024;

    private static final Set<String> SCHEMES = Set.of("http", "https");

    private final FetchEngine engine;

    public EngineJobHandler(FetchEngine engine) {
        this.engine = engine;
    }

    @Override
    public CompletableFuture<JobOutcome> handle(FetchJob job) {
        FetchRequest request;
        try {
            request = request(job.request());
        } catch (IllegalArgumentException ex) {
            return CompletableFuture.completedFuture(
                    new JobOutcome(JobOutcome.Kind.INVALID, Result.failed(job.url(), "INVALID_JOB", ex.getMessage())));
        }
        CompletableFuture<FetchResponse> transfer = this.engine.fetch(request);
        CompletableFuture<JobOutcome> outcome = transfer.handle((response, failure) -> (response != null)
                ? Result.of(job.url(), response) : failed(job.url(), failure));
        outcome.whenComplete((done, failure) -> {
            if (outcome.isCancelled()) {
                transfer.cancel(true);
            }
        });
        return outcome;
    }

    private static JobOutcome failed(String url, Throwable failure) {
        Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
        if (cause instanceof FetchException fetch) {
            return new JobOutcome(JobOutcome.Kind.FETCH_ERROR, Result.failed(url, fetch.error().name(), fetch.getMessage()));
        }
        if (cause instanceof CancellationException cancelled) {
            throw cancelled;
        }
        throw new CompletionException(cause);
    }

    static FetchRequest request(JsonNode spec) {
        String url = text(spec, "url");
        if (url == null || !SCHEMES.contains(scheme(url))) {
            throw new IllegalArgumentException("url must be an absolute http or https URL, was " + url);
        }
        FetchRequest.Builder builder = FetchRequest.builder(url);
        String method = text(spec, "method");
        if (method != null) {
            builder.method(method.toUpperCase(Locale.ROOT));
        }
        JsonNode headers = spec.get("headers");
        if (headers != null && headers.isObject()) {
            for (Map.Entry<String, JsonNode> header : headers.properties()) {
                builder.header(header.getKey(), header.getValue().asString());
            }
        }
        String body = text(spec, "body");
        if (body != null) {
            builder.body(body);
        }
        millis(spec, "timeoutMs").ifPresent(builder::timeout);
        millis(spec, "connectTimeoutMs").ifPresent(builder::connectTimeout);
        JsonNode maxBody = spec.get("maxBodyBytes");
        if (maxBody != null && maxBody.canConvertToLong()) {
            builder.maxBodySize(maxBody.longValue());
        }
        return builder.build();
    }

    private static String scheme(String url) {
        int colon = url.indexOf(':');
        return (colon > 0) ? url.substring(0, colon).toLowerCase(Locale.ROOT) : "";
    }

    private static String text(JsonNode spec, String field) {
        JsonNode value = spec.get(field);
        return (value != null && value.isString()) ? value.asString() : null;
    }

    private static Optional<Duration> millis(JsonNode spec, String field) {
        JsonNode value = spec.get(field);
        return (value != null && value.canConvertToLong() && value.longValue() > 0)
                ? Optional.of(Duration.ofMillis(value.longValue())) : Optional.empty();
    }

    /**
     * The default handler's result: the response, or the error that ended the transfer.
     *
     * @param url the URL fetched
     * @param status the status code, or {@code null} on error
     * @param effectiveUrl the URL the response came from, or {@code null} on error
     * @param headers the response header fields as {@code [name, value]} pairs
     * @param bodyBytes the body's length (decoded)
     * @param body the body as text, its first {@value EngineJobHandler#MAX_BODY_CHARS} characters
     * @param error the error code ({@code FetchError} name) and message, or {@code null}
     */
    public record Result(String url, Integer status, String effectiveUrl, List<List<String>> headers, long bodyBytes,
            String body, Error error) {

        static JobOutcome of(String url, FetchResponse response) {
            List<List<String>> headers = response.headers().entries().stream()
                .map((field) -> List.of(field.getKey(), field.getValue()))
                .toList();
            String body = response.bodyAsString();
            Result result = new Result(url, response.status(), response.effectiveUrl(), headers, response.body().length,
                    (body.length() > MAX_BODY_CHARS) ? body.substring(0, MAX_BODY_CHARS) : body, null);
            return new JobOutcome((response.status() < 400) ? JobOutcome.Kind.SUCCESS : JobOutcome.Kind.HTTP_ERROR, result);
        }

        static Result failed(String url, String code, String message) {
            return new Result(url, null, null, List.of(), 0, null, new Error(code, message));
        }
    }

    /** Why a job got no response. */
    public record Error(String code, String message) {
    }
}
