package dev.multifetch.sample.fetch;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.multifetch.core.BodyConsumer;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.HttpVersion;

/**
 * A {@link FetchSpec} that passed every check, with the service's defaults filled in: ready to
 * become an engine request.
 *
 * @param maxRedirects redirects followed, or -1 to follow none
 * @param lowSpeedTime the low-speed period, or {@code null} for no low-speed check
 * @param httpVersion the HTTP version asked for, or {@code null} for the engine's
 * @param expectContinue whether the body waits for the target's {@code 100 Continue}
 * @param retries retries after the first attempt, or -1 for the engine's {@code multifetch.retry.max-retries}
 */
public record FetchPlan(String url, String method, List<Map.Entry<String, String>> headers, String body,
        int maxRedirects, Duration timeout, Duration connectTimeout, long lowSpeedLimit, Duration lowSpeedTime,
        long maxBodySize, List<String> acceptEncoding, HttpVersion httpVersion, boolean expectContinue, int retries) {

    /** The engine request, its body delivered to {@code consumer}. */
    public FetchRequest toRequest(BodyConsumer consumer) {
        FetchRequest.Builder builder = FetchRequest.builder(this.url)
            .method(this.method)
            .timeout(this.timeout)
            .maxBodySize(this.maxBodySize)
            .acceptEncoding(this.acceptEncoding.toArray(String[]::new))
            .httpVersion(this.httpVersion)
            .expectContinue(this.expectContinue)
            .bodyConsumer(consumer);
        this.headers.forEach((header) -> builder.header(header.getKey(), header.getValue()));
        if (this.body != null) {
            builder.body(this.body);
        }
        if (this.maxRedirects >= 0) {
            builder.followRedirects(this.maxRedirects);
        }
        if (this.connectTimeout != null) {
            builder.connectTimeout(this.connectTimeout);
        }
        if (this.lowSpeedTime != null) {
            builder.lowSpeed(this.lowSpeedLimit, this.lowSpeedTime);
        }
        if (this.retries >= 0) {
            builder.retries(this.retries);
        }
        return builder.build();
    }
}
