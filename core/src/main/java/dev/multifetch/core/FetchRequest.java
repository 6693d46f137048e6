package dev.multifetch.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

    static {
        RequestAccess.register();
    }

    private final String method;
    private final String url;
    private final Headers headers;
    private final RequestBody body;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final long maxBodySize;
    private final Duration readTimeout;
    private final long lowSpeedLimit;
    private final Duration lowSpeedTime;
    private final List<String> acceptEncoding;
    private final boolean followRedirects;
    private final int maxRedirects;
    private final Set<Integer> keepPostOn;
    private final boolean unrestrictedAuth;
    private final boolean expectContinue;
    private final BodyConsumer bodyConsumer;
    private final HeaderListener headerListener;
    private final ProgressListener progressListener;
    private final TlsConfig tls;
    private final HttpVersion httpVersion;
    private final ProxyConfig proxy;
    private final RetryPolicy retry;
    private final int retries;
    private final String uriTemplate;

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
        this.acceptEncoding = b.acceptEncoding.isEmpty() ? List.of() : List.copyOf(b.acceptEncoding);
        this.followRedirects = b.followRedirects;
        this.maxRedirects = b.maxRedirects;
        this.keepPostOn = b.keepPostOn;
        this.unrestrictedAuth = b.unrestrictedAuth;
        this.expectContinue = b.expectContinue;
        this.bodyConsumer = b.bodyConsumer;
        this.headerListener = b.headerListener;
        this.progressListener = b.progressListener;
        this.tls = b.tls;
        this.httpVersion = b.httpVersion;
        this.proxy = b.proxy;
        this.retry = b.retry;
        this.retries = b.retries;
        this.uriTemplate = b.uriTemplate;
    }

    /** A copy of this request without {@code Expect: 100-continue} (after a 417). */
    FetchRequest withoutExpectContinue() {
        Builder b = copy(url);
        b.headers.addAll(headers.entries());
        b.body = body;
        b.expectContinue = false;
        return new FetchRequest(b);
    }

    /**
     * A copy of this request for the next hop of a redirect, with {@code credentials} (the
     * Authorization and Cookie fields to send there, taken from the first request) in place of
     * this hop's own.
     */
    FetchRequest redirected(String newUrl, String newMethod, boolean dropBody, List<Map.Entry<String, String>> credentials) {
        Builder b = copy(newUrl);
        b.method = newMethod;
        for (Map.Entry<String, String> h : headers.entries()) {
            String name = h.getKey();
            boolean framing = dropBody && (name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Encoding"));
            if (!isCredential(name) && !framing) {
                b.headers.add(h);
            }
        }
        b.headers.addAll(credentials);
        b.body = dropBody ? null : body;
        return new FetchRequest(b);
    }

    /** A copy of this request with {@code fields} set, each replacing every field of the same name (any case). */
    FetchRequest withHeaders(Map<String, String> fields) {
        Builder b = copy(url);
        for (Map.Entry<String, String> h : headers.entries()) {
            if (fields.keySet().stream().noneMatch(name -> name.equalsIgnoreCase(h.getKey()))) {
                b.headers.add(h);
            }
        }
        fields.forEach(b::header);
        b.body = body;
        return new FetchRequest(b);
    }

    /** The Authorization and Cookie fields of this request. */
    List<Map.Entry<String, String>> credentials() {
        List<Map.Entry<String, String>> found = new ArrayList<>();
        for (Map.Entry<String, String> h : headers.entries()) {
            if (isCredential(h.getKey())) {
                found.add(h);
            }
        }
        return found;
    }

    private static boolean isCredential(String name) {
        return name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Cookie");
    }

    /** A builder for {@code newUrl} with every setting of this request but its headers and body. */
    private Builder copy(String newUrl) {
        Builder b = new Builder(newUrl);
        b.method = method;
        b.connectTimeout = connectTimeout;
        b.timeout = timeout;
        b.maxBodySize = maxBodySize;
        b.readTimeout = readTimeout;
        b.lowSpeedLimit = lowSpeedLimit;
        b.lowSpeedTime = lowSpeedTime;
        b.acceptEncoding.addAll(acceptEncoding);
        b.followRedirects = followRedirects;
        b.maxRedirects = maxRedirects;
        b.keepPostOn = keepPostOn;
        b.unrestrictedAuth = unrestrictedAuth;
        b.expectContinue = expectContinue;
        b.bodyConsumer = bodyConsumer;
        b.headerListener = headerListener;
        b.progressListener = progressListener;
        b.tls = tls;
        b.httpVersion = httpVersion;
        b.proxy = proxy;
        b.retry = retry;
        b.retries = retries;
        b.uriTemplate = uriTemplate;
        return b;
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

    /** The request body, or {@code null} for none. */
    public RequestBody body() {
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

    /** Content codings offered in {@code Accept-Encoding} and decoded; empty for none. libcurl: CURLOPT_ACCEPT_ENCODING. */
    public List<String> acceptEncoding() {
        return acceptEncoding;
    }

    /** Whether redirects are followed (off by default, as curl). libcurl: CURLOPT_FOLLOWLOCATION. */
    public boolean followRedirects() {
        return followRedirects;
    }

    /** Most redirects followed (default 30, -1 for no limit). libcurl: CURLOPT_MAXREDIRS. */
    public int maxRedirects() {
        return maxRedirects;
    }

    /** Whether a POST stays a POST after a redirect with {@code status} (301, 302 or 303). libcurl: CURLOPT_POSTREDIR. */
    public boolean keepsPostOn(int status) {
        return keepPostOn.contains(status);
    }

    /** Whether Authorization and Cookie headers are sent to other origins after a redirect. libcurl: CURLOPT_UNRESTRICTED_AUTH. */
    public boolean unrestrictedAuth() {
        return unrestrictedAuth;
    }

    /** Whether the body waits for {@code 100 Continue} (at most a second). libcurl: Expect: 100-continue. */
    public boolean expectContinue() {
        return expectContinue;
    }

    /** Where the body goes as it arrives, or {@code null} to keep it in memory. */
    public BodyConsumer bodyConsumer() {
        return bodyConsumer;
    }

    /** Hears every response head, or {@code null}. */
    public HeaderListener headerListener() {
        return headerListener;
    }

    /** Hears progress and may abort, or {@code null}. */
    public ProgressListener progressListener() {
        return progressListener;
    }

    /** This request's own TLS settings, or {@code null} for the engine's. */
    public TlsConfig tls() {
        return tls;
    }

    /** The HTTP version this request asks for, or {@code null} for the engine's. libcurl: CURLOPT_HTTP_VERSION. */
    public HttpVersion httpVersion() {
        return httpVersion;
    }

    /** This request's own proxy, {@link ProxyConfig#NONE} for none, or {@code null} for the engine's. libcurl: CURLOPT_PROXY. */
    public ProxyConfig proxy() {
        return proxy;
    }

    /** This request's own retry policy, or {@code null} for the engine's. */
    public RetryPolicy retry() {
        return retry;
    }

    /** This request's own number of retries, or -1 for its policy's. */
    public int retries() {
        return retries;
    }

    /** The URI template the URL was made from ({@code /users/{id}}), for low-cardinality metrics; or null. */
    public String uriTemplate() {
        return uriTemplate;
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
        private RequestBody body;
        private Duration connectTimeout;
        private Duration timeout;
        private long maxBodySize = -1;
        private Duration readTimeout;
        private long lowSpeedLimit = -1;
        private Duration lowSpeedTime;
        private final List<String> acceptEncoding = new ArrayList<>();
        private boolean followRedirects;
        private int maxRedirects = 30;
        /** Three statuses at most: a small set allocated only when used. */
        private Set<Integer> keepPostOn = Set.of();
        private boolean unrestrictedAuth;
        private boolean expectContinue;
        private BodyConsumer bodyConsumer;
        private HeaderListener headerListener;
        private ProgressListener progressListener;
        private TlsConfig tls;
        private HttpVersion httpVersion;
        private ProxyConfig proxy;
        private RetryPolicy retry;
        private int retries = -1;
        private String uriTemplate;

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
            this.body = body == null ? null : RequestBody.of(body);
            return this;
        }

        /** Sets the body to the UTF-8 bytes of {@code text}. */
        public Builder body(String text) {
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        /** Sets the body: bytes, a file or a stream; {@code null} for none. */
        public Builder body(RequestBody body) {
            this.body = body;
            return this;
        }

        /**
         * Offers these content codings ({@code gzip}, {@code deflate}, {@code identity}) in
         * {@code Accept-Encoding} and decodes responses that use them; none by default.
         */
        public Builder acceptEncoding(String... codings) {
            for (String c : codings) {
                String coding = c.strip().toLowerCase(java.util.Locale.ROOT);
                if (!Set.of("gzip", "x-gzip", "deflate", "identity").contains(coding)) {
                    throw new IllegalArgumentException("acceptEncoding: unsupported coding \"" + c + "\"");
                }
                acceptEncoding.add(coding);
            }
            return this;
        }

        /** Follows redirects (301, 302, 303, 307, 308), at most {@code maxRedirects} of them; -1 for no limit. */
        public Builder followRedirects(int maxRedirects) {
            if (maxRedirects < -1) {
                throw new IllegalArgumentException("maxRedirects < -1: " + maxRedirects);
            }
            this.followRedirects = true;
            this.maxRedirects = maxRedirects;
            return this;
        }

        /** Follows redirects, at most 30 (curl's default). */
        public Builder followRedirects() {
            return followRedirects(30);
        }

        /** Keeps a POST a POST (with its body) after these redirect statuses (301, 302, 303). libcurl: CURLOPT_POSTREDIR. */
        public Builder keepPostOnRedirect(int... statuses) {
            for (int status : statuses) {
                if (status != 301 && status != 302 && status != 303) {
                    throw new IllegalArgumentException("keepPostOnRedirect: not 301, 302 or 303: " + status);
                }
                if (!keepPostOn.contains(status)) {
                    Set<Integer> more = new HashSet<>(keepPostOn);
                    more.add(status);
                    keepPostOn = Set.copyOf(more);
                }
            }
            return this;
        }

        /** Sends Authorization and Cookie headers to other origins after redirects too (trust every target). */
        public Builder unrestrictedAuth(boolean unrestricted) {
            this.unrestrictedAuth = unrestricted;
            return this;
        }

        /** Sends {@code Expect: 100-continue} and holds the body until the server agrees, or a second passes. */
        public Builder expectContinue(boolean expect) {
            this.expectContinue = expect;
            return this;
        }

        /** Streams the body to {@code consumer} instead of keeping it in memory. */
        public Builder bodyConsumer(BodyConsumer consumer) {
            this.bodyConsumer = consumer;
            return this;
        }

        /** Tells {@code listener} about every response head. */
        public Builder headerListener(HeaderListener listener) {
            this.headerListener = listener;
            return this;
        }

        /**
         * Uses these TLS settings (trust, client certificate) for this request instead of the
         * engine's; its connections are kept apart from the others.
         */
        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Asks for an HTTP version for this request ({@code null} for the engine's, the
         * default). libcurl: CURLOPT_HTTP_VERSION.
         */
        public Builder httpVersion(HttpVersion httpVersion) {
            this.httpVersion = httpVersion;
            return this;
        }

        /** Tells {@code listener} about progress; it may abort. */
        public Builder progressListener(ProgressListener listener) {
            this.progressListener = listener;
            return this;
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

        /** Sets the connect timeout (name lookup, TCP connect and TLS handshake, together); must be positive. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Checks.positive("connectTimeout", connectTimeout);
            return this;
        }

        /** Sets the timeout for the whole transfer, queue time included; must be positive. */
        public Builder timeout(Duration timeout) {
            this.timeout = Checks.positive("timeout", timeout);
            return this;
        }

        /** Sets the largest body accepted, in bytes; must not be negative. */
        public Builder maxBodySize(long maxBodySize) {
            Checks.notNegative("maxBodySize", maxBodySize);
            this.maxBodySize = maxBodySize;
            return this;
        }

        /** Sets the longest silence allowed between response bytes once the request is sent; must be positive. */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = Checks.positive("readTimeout", readTimeout);
            return this;
        }

        /**
         * Fails the transfer when it moves fewer than {@code bytesPerSecond} on average over
         * {@code period}; 0 turns the check off. libcurl: CURLOPT_LOW_SPEED_LIMIT and _TIME.
         */
        public Builder lowSpeed(long bytesPerSecond, Duration period) {
            Checks.notNegative("lowSpeedLimit", bytesPerSecond);
            this.lowSpeedLimit = bytesPerSecond;
            this.lowSpeedTime = Checks.positive("lowSpeedTime", period);
            return this;
        }

        /**
         * Sends this request through the proxy at {@code url} (see {@link ProxyConfig#parse}) in
         * place of the engine's; {@code ""} sends it direct, as curl's empty CURLOPT_PROXY. The
         * engine's no-proxy list still applies. A bad URL fails here, naming what is wrong.
         */
        public Builder proxy(String url) {
            this.proxy = ProxyConfig.parse(url);
            return this;
        }

        /** Retries this request up to {@code n} times (0 to 100) under its or the engine's {@link RetryPolicy}. */
        public Builder retries(int n) {
            if (n < 0 || n > 100) {
                throw new IllegalArgumentException("retries must be 0 to 100: " + n);
            }
            this.retries = n;
            return this;
        }

        /** Retries this request as {@code policy} says, in place of the engine's policy. */
        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "retry");
            return this;
        }

        /** Names the URI template the URL was made from, so metrics group {@code /users/1} and {@code /users/2}. */
        public Builder uriTemplate(String template) {
            this.uriTemplate = template;
            return this;
        }

        /** Builds the request. */
        public FetchRequest build() {
            return new FetchRequest(this);
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
