package dev.multifetch.core;

import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The final response of a transfer: status, headers, the whole body, where it came from and how
 * long each phase took. Immutable.
 */
public final class FetchResponse {

    private final int status;
    private final String reason;
    private final String httpVersion;
    private final Headers headers;
    private final byte[] body;
    private final String effectiveUrl;
    private Timings timings;
    /** The timings as the transfer kept them (nanoseconds), turned into {@link Timings} when first asked for. */
    private final long[] timingNanos;
    private final int connects;
    private final Headers trailers;
    private final int redirects;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final long bytesSent;
    private final long bytesReceived;
    private final String proxy;
    private final int connectCode;
    private int attempts = 1;
    private java.time.Duration retryAfter;
    private String retryStopped;
    private RetryStop retryStop;

    /** Creates a response with the essentials (for adapters and tests). */
    public FetchResponse(int status, String reason, String httpVersion, Headers headers, byte[] body,
                         String effectiveUrl, Timings timings, int connects) {
        this(status, reason, httpVersion, headers, body, effectiveUrl, timings, connects, Headers.EMPTY, 0, null, null, 0, 0);
    }

    /** Creates a response; used by the multi handle. */
    public FetchResponse(int status, String reason, String httpVersion, Headers headers, byte[] body,
                         String effectiveUrl, Timings timings, int connects, Headers trailers, int redirects,
                         InetSocketAddress remoteAddress, InetSocketAddress localAddress, long bytesSent, long bytesReceived) {
        this(status, reason, httpVersion, headers, body, effectiveUrl, timings, null, connects, trailers, redirects,
                remoteAddress, localAddress, bytesSent, bytesReceived, null, 0);
    }

    /** Creates the response of a finished transfer, its timings still raw. */
    FetchResponse(int status, String reason, String httpVersion, Headers headers, byte[] body, String effectiveUrl,
                  long[] timingNanos, int connects, Headers trailers, int redirects, InetSocketAddress remoteAddress,
                  InetSocketAddress localAddress, long bytesSent, long bytesReceived, String proxy, int connectCode) {
        this(status, reason, httpVersion, headers, body, effectiveUrl, null, timingNanos, connects, trailers, redirects,
                remoteAddress, localAddress, bytesSent, bytesReceived, proxy, connectCode);
    }

    private FetchResponse(int status, String reason, String httpVersion, Headers headers, byte[] body, String effectiveUrl,
                          Timings timings, long[] timingNanos, int connects, Headers trailers, int redirects,
                          InetSocketAddress remoteAddress, InetSocketAddress localAddress, long bytesSent, long bytesReceived,
                          String proxy, int connectCode) {
        this.status = status;
        this.reason = reason;
        this.httpVersion = httpVersion;
        this.headers = headers;
        this.body = body;
        this.effectiveUrl = effectiveUrl;
        this.timings = timings;
        this.timingNanos = timingNanos;
        this.connects = connects;
        this.trailers = trailers;
        this.redirects = redirects;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.bytesSent = bytesSent;
        this.bytesReceived = bytesReceived;
        this.proxy = proxy;
        this.connectCode = connectCode;
    }

    /** Records the retries of a finished transfer, before it is published. */
    FetchResponse withRetries(int attempts, java.time.Duration retryAfter, RetryStop retryStop, String retryStopped) {
        this.attempts = attempts;
        this.retryAfter = retryAfter;
        this.retryStop = retryStop;
        this.retryStopped = retryStopped;
        return this;
    }

    /** Attempts made: 1, plus one per retry. */
    public int attempts() {
        return attempts;
    }

    /** The last {@code Retry-After} the server asked for, or null. libcurl: CURLINFO_RETRY_AFTER. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    /**
     * Why this response, though of a status the retry policy retries, was not retried, in words
     * with the figures ({@code no retries left after 3 attempts}), or null; {@link #retryStop()}
     * names its kind.
     */
    public String retryStopped() {
        return retryStopped;
    }

    /** The kind of {@link #retryStopped()}: for metrics and branching; null when it is null. */
    public RetryStop retryStop() {
        return retryStop;
    }

    /**
     * The proxy the final request went through, as {@code scheme://host:port} (never its
     * credentials), or null when it went direct. libcurl: CURLINFO_USED_PROXY.
     */
    public String proxy() {
        return proxy;
    }

    /**
     * The status the proxy answered this transfer's CONNECT with; 0 when it made none (direct,
     * forwarded, SOCKS, or a tunnel reused). libcurl: CURLINFO_HTTP_CONNECTCODE.
     */
    public int connectCode() {
        return connectCode;
    }

    /** Trailer fields after a chunked body; empty otherwise. */
    public Headers trailers() {
        return trailers;
    }

    /** Redirects followed to get here. libcurl: CURLINFO_REDIRECT_COUNT. */
    public int redirects() {
        return redirects;
    }

    /** The server address of the last connection, or {@code null}. libcurl: CURLINFO_PRIMARY_IP and _PORT. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** The local address of the last connection, or {@code null}. libcurl: CURLINFO_LOCAL_IP and _PORT. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Bytes written for all requests of the transfer, heads included. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Bytes read for all responses of the transfer, heads included. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** The status code, such as 200. libcurl: CURLINFO_RESPONSE_CODE. */
    public int status() {
        return status;
    }

    /** The reason phrase as sent (may be empty). */
    public String reason() {
        return reason;
    }

    /** The protocol of the status line, such as {@code HTTP/1.1}. libcurl: CURLINFO_HTTP_VERSION. */
    public String httpVersion() {
        return httpVersion;
    }

    /** The response headers, in the order received. */
    public Headers headers() {
        return headers;
    }

    /**
     * The body bytes (transfer and requested content decoding undone); empty when a
     * {@link BodyConsumer} took them. The array is not copied: do not modify it.
     */
    public byte[] body() {
        return body;
    }

    /** The body decoded as text, with the charset of {@code Content-Type}, else UTF-8. */
    public String bodyAsString() {
        return new String(body, charset());
    }

    /** The URL the response came from. libcurl: CURLINFO_EFFECTIVE_URL. */
    public String effectiveUrl() {
        return effectiveUrl;
    }

    /** When each phase finished. */
    public Timings timings() {
        // racing readers may each build it: equal immutable records, safely published by their final fields
        Timings built = timings;
        if (built == null && timingNanos != null) {
            built = Timings.ofNanos(timingNanos);
            timings = built;
        }
        return built;
    }

    /** How many new connections this transfer opened (0 when it reused one). libcurl: CURLINFO_NUM_CONNECTS. */
    public int connects() {
        return connects;
    }

    private Charset charset() {
        String type = headers.first("Content-Type").orElse("");
        for (String param : type.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                String name = p.substring("charset=".length()).replace("\"", "").trim();
                try {
                    return Charset.forName(name);
                } catch (IllegalArgumentException unknownCharset) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    @Override
    public String toString() {
        return httpVersion + " " + status + " " + reason + " (" + body.length + " bytes from " + effectiveUrl + ")";
    }
}
