package dev.multifetch.sample.fetch;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One fetch as a client asks for it (the JSON body of {@code POST /api/fetch}, an element of a
 * batch). Only {@code url} is required; every other field maps onto the engine option of the same
 * meaning, within the service's limits. Checked by {@link RequestValidator}.
 */
@Schema(description = "A URL to fetch and how; only url is required")
public record FetchSpec(
        @Schema(description = "Absolute http or https URL", example = "http://example.com/",
                requiredMode = Schema.RequiredMode.REQUIRED) String url,
        @Schema(description = "GET (default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS") String method,
        @Schema(description = "Request headers; Host, Content-Length, Transfer-Encoding, Connection and the like are set by the engine")
        Map<String, String> headers,
        @Schema(description = "Request body, sent as UTF-8") String body,
        @Schema(description = "Follow 301, 302, 303, 307 and 308 redirects (default false); every hop passes the SSRF guard")
        Boolean followRedirects,
        @Schema(description = "Most redirects followed; needs followRedirects") Integer maxRedirects,
        @Schema(description = "Timeout of the whole transfer in ms") Long timeoutMs,
        @Schema(description = "Timeout of name lookup, TCP connect and TLS handshake together, in ms") Long connectTimeoutMs,
        @Schema(description = "Fail when slower than this many bytes/s over lowSpeedTimeMs") Long lowSpeedLimit,
        @Schema(description = "Period the low-speed limit is judged over, in ms (default 30000); needs lowSpeedLimit")
        Long lowSpeedTimeMs,
        @Schema(description = "Largest body accepted, in decoded bytes; a larger one fails with FILESIZE_EXCEEDED")
        Long maxBodyBytes,
        @Schema(description = "Content codings offered and decoded: gzip, deflate, identity; none when absent")
        List<String> acceptEncoding,
        @Schema(description = "HTTP version asked for: http1.1, http2 (HTTP/2 where TLS negotiates it, HTTP/1.1 otherwise) "
                + "or http2-prior-knowledge (HTTP/2 from the first byte, h2c on http://); the engine's multifetch.http-version when absent",
                allowableValues = { "http1.1", "http2", "http2-prior-knowledge" })
        String httpVersion,
        @Schema(description = "Send Expect: 100-continue and hold the body until the target agrees (or a second passes); "
                + "needs body. curl's Expect handling, CURLOPT_EXPECT_100_TIMEOUT_MS")
        Boolean expectContinue,
        @Schema(description = "Retries after the first attempt, 0 to multifetch.sample.limits.max-retries, by the engine's "
                + "rules (multifetch.retry.*, curl's --retry): timeouts, DNS failures, connections lost before an answer, "
                + "HTTP 408, 429, 500, 502, 503, 504; each after a backoff or the target's Retry-After, within timeoutMs. "
                + "A POST or PATCH already sent is repeated only with an Idempotency-Key header. "
                + "The engine's multifetch.retry.max-retries when absent")
        Integer retries) {

    /** A GET of {@code url} with every option at its default. */
    public static FetchSpec of(String url) {
        return new FetchSpec(url, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
