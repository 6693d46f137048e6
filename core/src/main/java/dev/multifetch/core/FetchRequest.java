package dev.multifetch.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request to run: method, URL, headers, an optional body and per-request limits.
 * Immutable. The URL is checked when the transfer runs, so a malformed one ends that transfer
 * with {@link FetchError#URL_MALFORMAT} without touching the network; a header that could
 * inject another header is refused here, at once.
 *
 * <p>libcurl: the easy handle's options ({@code CURLOPT_URL}, {@code _CUSTOMREQUEST},
 * {@code _HTTPHEADER}, {@code _POSTFIELDS}, {@code _CONNECTTIMEOUT_MS}, {@code _TIMEOUT_MS},
 * {@code _MAXFILESIZE_LARGE}).
 */
public final class FetchRequest {

    private final String method;
    private final String url;
    private final Headers headers;
    private final byte[] body;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final long maxBodySize;
    private final Duration readTimeout;
    private final long lowSpeedLimit;
    private final Duration lowSpeedTime;

    private FetchRequest(Builder b) {
        this.method = b.method;
        this.url = b.url;
        this.headers = Headers.of(b.headers);
        this.body = b.body;
        this.connectTimeout = b.connectTimeout;
        this.timeout = b.timeout;
        this.maxBodySize = b.maxBodySize;
        this.readTimeout = b.readTimeout;
        this.lowSpeedLimit = b.lowSpeedLimit;
        this.lowSpeedTime = b.lowSpeedTime;
    }

    /** A GET request for {@code url}. */
    public static FetchRequest get(String url) {
        return builder(url).build();
    }

    /** A builder for a request to {@code url}, GET unless told otherwise. */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** The request method, such as {@code GET}. */
    public String method() {
        return method;
    }

    /** The URL as given. */
    public String url() {
        return url;
    }

    /** The user's headers, sent after the ones the engine writes ({@code Host}, {@code User-Agent}). */
    public Headers headers() {
        return headers;
    }

    /** The request body, or {@code null} for none. The array is not copied: do not modify it. */
    public byte[] body() {
        return body;
    }

    /** The connect timeout, or {@code null} for the multi handle's default. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The timeout for the whole transfer, queue time included, or {@code null} for the default. */
    public Duration timeout() {
        return timeout;
    }

    /** The largest body accepted, in bytes, or -1 for the multi handle's default. */
    public long maxBodySize() {
        return maxBodySize;
    }

    /** The longest silence allowed between response bytes, or {@code null} for the default. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** The low-speed limit in bytes per second, or -1 for the multi handle's default. */
    public long lowSpeedLimit() {
        return lowSpeedLimit;
    }

    /** The period the low-speed limit is judged over, or {@code null} for the default. */
    public Duration lowSpeedTime() {
        return lowSpeedTime;
    }

    @Override
    public String toString() {
        return method + " " + url;
    }

    /** Builds a {@link FetchRequest}; every setter checks its argument at once. */
    public static final class Builder {

        private String method = "GET";
        private final String url;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private byte[] body;
        private Duration connectTimeout;
        private Duration timeout;
        private long maxBodySize = -1;
        private Duration readTimeout;
        private long lowSpeedLimit = -1;
        private Duration lowSpeedTime;

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /** Sets the method; it must be an HTTP token such as {@code GET} or {@code PATCH}. */
        public Builder method(String method) {
            Objects.requireNonNull(method, "method");
            if (method.isEmpty() || !isToken(method)) {
                throw new IllegalArgumentException("method is not an HTTP token: \"" + method + "\"");
            }
            this.method = method;
            return this;
        }

        /** Sets the method and the body to send with it. */
        public Builder method(String method, byte[] body) {
            method(method);
            return body(body);
        }

        /** Sets the body; {@code null} for none. The array is not copied. */
        public Builder body(byte[] body) {
            this.body = body;
            return this;
        }

        /** Sets the body to the UTF-8 bytes of {@code text}. */
        public Builder body(String text) {
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        /** Makes this a POST with the given body. */
        public Builder post(byte[] body) {
            return method("POST", body);
        }

        /** Makes this a HEAD request. */
        public Builder head() {
            return method("HEAD");
        }

        /**
         * Adds a header. A name that is not an HTTP token, or a CR, LF or NUL in the value, is
         * refused with {@link IllegalArgumentException} (no header injection).
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "header value");
            if (name.isEmpty() || !isToken(name)) {
                throw new IllegalArgumentException("header name is not an HTTP token: \"" + name + "\"");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == '\0') {
                    throw new IllegalArgumentException("header " + name + " value contains "
                            + (c == '\0' ? "NUL" : c == '\r' ? "CR" : "LF") + " at index " + i);
                }
            }
            headers.add(Map.entry(name, value));
            return this;
        }

        /** Sets the connect timeout (DNS and TCP connect); must be positive. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive("connectTimeout", connectTimeout);
            return this;
        }

        /** Sets the timeout for the whole transfer, queue time included; must be positive. */
        public Builder timeout(Duration timeout) {
            this.timeout = positive("timeout", timeout);
            return this;
        }

        /** Sets the largest body accepted, in bytes; must not be negative. */
        public Builder maxBodySize(long maxBodySize) {
            if (maxBodySize < 0) {
                throw new IllegalArgumentException("maxBodySize < 0: " + maxBodySize);
            }
            this.maxBodySize = maxBodySize;
            return this;
        }

        /** Sets the longest silence allowed between response bytes once the request is sent; must be positive. */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = positive("readTimeout", readTimeout);
            return this;
        }

        /**
         * Fails the transfer when it moves fewer than {@code bytesPerSecond} on average over
         * {@code period}; 0 turns the check off. libcurl: CURLOPT_LOW_SPEED_LIMIT and _TIME.
         */
        public Builder lowSpeed(long bytesPerSecond, Duration period) {
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("lowSpeedLimit < 0: " + bytesPerSecond);
            }
            this.lowSpeedLimit = bytesPerSecond;
            this.lowSpeedTime = positive("lowSpeedTime", period);
            return this;
        }

        /** Builds the request. */
        public FetchRequest build() {
            return new FetchRequest(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }

    /** Whether {@code s} is an RFC 9110 token (tchar+). */
    static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }
}
