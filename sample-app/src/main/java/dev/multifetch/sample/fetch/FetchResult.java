package dev.multifetch.sample.fetch;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Timings;

/**
 * The JSON answer for one fetch: the target's response, or the error that ended the transfer
 * ({@code status} null, {@code error} set). A failed target is still a successful call of this
 * service: the answer is 200 either way.
 *
 * @param index the request's position in its batch; absent outside batches
 * @param url the URL asked for
 * @param effectiveUrl the URL the response came from (after redirects), or {@code null} on error
 * @param status the target's status code, or {@code null} on error
 * @param httpVersion the protocol of the target's status line, or {@code null} on error
 * @param headers the target's header fields as {@code [name, value]} pairs, in the order received
 * @param bodyBytes the length of the whole delivered body (decoded), even when {@code body} is cut
 * @param bodySha256 the SHA-256 of the whole delivered body, lower-case hex
 * @param body the body as text, when it is text; absent otherwise
 * @param bodyBase64 the body in base64, when it is not text; absent otherwise
 * @param bodyTruncated whether body or bodyBase64 holds only the first bytes (the service's return limit)
 * @param redirects redirects followed
 * @param connects new connections opened (0 when one was reused)
 * @param attempts attempts made: 1, plus one per retry; {@code null} when nothing was fetched
 * (refused by the SSRF guard, or not run)
 * @param retryAfterMs the last {@code Retry-After} the target asked for, in milliseconds; absent
 * when it asked for none
 * @param retryStopped why an answer of a status that is retried was handed back without a retry
 * (no retries left, a Retry-After beyond the limit, the retry budget spent, ...); absent otherwise
 * @param proxy the proxy the transfer went through, {@code scheme://host:port} without credentials,
 * or {@code null} when it went direct (or failed before a proxy was known)
 * @param timings when each phase finished, or {@code null} when unknown
 * @param error why the transfer failed, or {@code null} when it got a response
 * @param traceId the trace of the API call, which the fetch continued into the target's
 * {@code traceparent}; absent without tracing
 */
public record FetchResult(@JsonInclude(JsonInclude.Include.NON_NULL) Integer index, String url, String effectiveUrl,
        Integer status, String httpVersion, List<List<String>> headers, Long bodyBytes, String bodySha256,
        @JsonInclude(JsonInclude.Include.NON_NULL) String body, @JsonInclude(JsonInclude.Include.NON_NULL) String bodyBase64,
        boolean bodyTruncated, Integer redirects, Integer connects, Integer attempts,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long retryAfterMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) String retryStopped, String proxy, PhaseTimes timings, Failure error,
        @JsonInclude(JsonInclude.Include.NON_NULL) String traceId) {

    /** The result of a transfer that got a response (any status), its body taken by {@code capture}. */
    static FetchResult of(String url, FetchResponse response, BodyCapture capture) {
        List<List<String>> headers = response.headers()
            .entries()
            .stream()
            .map((Map.Entry<String, String> field) -> List.of(field.getKey(), field.getValue()))
            .toList();
        byte[] kept = capture.kept();
        boolean truncated = capture.truncated();
        String text = BodyText.decode(response.headers().first("Content-Type").orElse(null), kept, truncated).orElse(null);
        String base64 = (text == null) ? Base64.getEncoder().encodeToString(kept) : null;
        Long retryAfterMs = (response.retryAfter() != null) ? response.retryAfter().toMillis() : null;
        return new FetchResult(null, url, response.effectiveUrl(), response.status(), response.httpVersion(), headers,
                capture.delivered(), capture.sha256Hex(), text, base64, truncated, response.redirects(),
                response.connects(), response.attempts(), retryAfterMs, response.retryStopped(), response.proxy(),
                PhaseTimes.of(response.timings()), null, null);
    }

    /** The result of a fetch that ended with {@code code} before it was attempted. */
    public static FetchResult failed(String url, String code, String message) {
        return new FetchResult(null, url, null, null, null, List.of(), null, null, null, null, false, null, null, null,
                null, null, null, null, new Failure(code, message), null);
    }

    /**
     * The result of a transfer that ended with {@code code} after {@code attempts}, after
     * {@code timings} (or {@code null}), at or through {@code proxy} (or {@code null}).
     */
    public static FetchResult failed(String url, String code, String message, int attempts, PhaseTimes timings,
            String proxy) {
        return new FetchResult(null, url, null, null, null, List.of(), null, null, null, null, false, null, null,
                attempts, null, null, proxy, timings, new Failure(code, message), null);
    }

    /** This result saying why its retries stopped ({@code null}: it does not say). */
    public FetchResult withRetryStopped(String why) {
        return new FetchResult(this.index, this.url, this.effectiveUrl, this.status, this.httpVersion, this.headers,
                this.bodyBytes, this.bodySha256, this.body, this.bodyBase64, this.bodyTruncated, this.redirects,
                this.connects, this.attempts, this.retryAfterMs, why, this.proxy, this.timings, this.error,
                this.traceId);
    }

    /** This result as element {@code index} of a batch. */
    public FetchResult withIndex(int index) {
        return new FetchResult(index, this.url, this.effectiveUrl, this.status, this.httpVersion, this.headers,
                this.bodyBytes, this.bodySha256, this.body, this.bodyBase64, this.bodyTruncated, this.redirects,
                this.connects, this.attempts, this.retryAfterMs, this.retryStopped, this.proxy, this.timings, this.error,
                this.traceId);
    }

    /** This result in the trace {@code traceId} (or none, for {@code null}). */
    public FetchResult withTraceId(String traceId) {
        return new FetchResult(this.index, this.url, this.effectiveUrl, this.status, this.httpVersion, this.headers,
                this.bodyBytes, this.bodySha256, this.body, this.bodyBase64, this.bodyTruncated, this.redirects,
                this.connects, this.attempts, this.retryAfterMs, this.retryStopped, this.proxy, this.timings, this.error,
                traceId);
    }

    /**
     * When each phase of the transfer finished, in milliseconds (microsecond precision) since the
     * transfer started. libcurl: the {@code CURLINFO_*_TIME_T} values.
     */
    public record PhaseTimes(double namelookupMs, double connectMs, double appconnectMs, double pretransferMs,
            double starttransferMs, double totalMs) {

        static PhaseTimes of(Timings timings) {
            return new PhaseTimes(ms(timings.namelookup()), ms(timings.connect()), ms(timings.appconnect()),
                    ms(timings.pretransfer()), ms(timings.starttransfer()), ms(timings.total()));
        }

        private static double ms(Duration duration) {
            return (duration.toNanos() / 1_000) / 1_000.0;
        }
    }

    /**
     * Why a transfer failed.
     *
     * @param code the {@link dev.multifetch.core.FetchError} name, such as {@code COULDNT_CONNECT}
     * @param message what happened
     */
    public record Failure(String code, String message) {
    }
}
