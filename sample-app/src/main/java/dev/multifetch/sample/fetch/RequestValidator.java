package dev.multifetch.sample.fetch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.multifetch.autoconfigure.HttpVersionNames;
import dev.multifetch.core.HttpVersion;
import dev.multifetch.sample.SampleProperties;
import dev.multifetch.sample.guard.UrlGate;

/**
 * Checks a {@link FetchSpec} against every rule before anything is fetched, and turns it into a
 * {@link FetchPlan}. Each broken rule becomes a {@link Violation} naming the field (with a prefix
 * such as {@code requests[3].} inside a batch), so one 400 answer lists them all.
 */
public final class RequestValidator {

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /** Headers the engine writes itself, or that would change how the exchange is framed or routed. */
    private static final Set<String> ENGINE_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "upgrade", "te", "trailer", "expect", "proxy-connection", "accept-encoding");

    private static final Set<String> CODINGS = Set.of("gzip", "deflate", "identity");

    private final SampleProperties.Limits limits;
    private final UrlGate urlGate;

    public RequestValidator(SampleProperties.Limits limits, UrlGate urlGate) {
        this.limits = limits;
        this.urlGate = urlGate;
    }

    /** Rules of the SSRF guard's URL check: the URL is well formed, but its host or address may not be fetched. */
    private static final Set<String> GUARD_RULES = Set.of("denied-address", "denied-host");

    /** Whether {@code violation} is the SSRF guard refusing a well-formed URL, rather than a malformed request. */
    public static boolean isGuardRefusal(Violation violation) {
        return (violation.field().equals("url") || violation.field().endsWith(".url")) && GUARD_RULES.contains(violation.rule());
    }

    /** The plan for {@code spec}, or an {@link InvalidRequestException} listing every broken rule. */
    public FetchPlan validate(FetchSpec spec) {
        List<Violation> violations = new ArrayList<>();
        FetchPlan plan = validate(spec, "", violations);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return plan;
    }

    /** The plan for {@code spec}, or {@code null} after adding its violations to {@code violations}. */
    public FetchPlan validate(FetchSpec spec, String prefix, List<Violation> violations) {
        Checks checks = new Checks(prefix, violations);
        this.urlGate.check(spec.url()).ifPresent((rejection) -> checks.fail("url", rejection.rule(), rejection.message()));
        String method = checkMethod(spec.method(), checks);
        List<Map.Entry<String, String>> headers = checkHeaders(spec.headers(), checks);
        checkBody(spec.body(), checks);
        int maxRedirects = checkRedirects(spec, checks);
        long maxTimeoutMs = this.limits.getMaxTimeout().toMillis();
        Duration timeout = checks.millis("timeoutMs", spec.timeoutMs(), maxTimeoutMs, "multifetch.sample.limits.max-timeout");
        Duration connectTimeout = checks.millis("connectTimeoutMs", spec.connectTimeoutMs(), maxTimeoutMs,
                "multifetch.sample.limits.max-timeout");
        Duration lowSpeedTime = checkLowSpeed(spec, checks, maxTimeoutMs);
        long maxBodyCap = this.limits.getMaxBodySize().toBytes();
        if (spec.maxBodyBytes() != null) {
            checks.range("maxBodyBytes", spec.maxBodyBytes(), 0, maxBodyCap, "multifetch.sample.limits.max-body-size");
        }
        List<String> codings = checkCodings(spec.acceptEncoding(), checks);
        HttpVersion httpVersion = checkHttpVersion(spec.httpVersion(), checks);
        boolean expectContinue = Boolean.TRUE.equals(spec.expectContinue());
        if (expectContinue && spec.body() == null) {
            checks.fail("expectContinue", "requires", "needs \"body\": Expect: 100-continue holds back a request body");
        }
        if (spec.retries() != null) {
            checks.range("retries", spec.retries(), 0, this.limits.getMaxRetries(), "multifetch.sample.limits.max-retries");
        }
        if (checks.failed()) {
            return null;
        }
        return new FetchPlan(spec.url(), method, headers, spec.body(), maxRedirects,
                (timeout != null) ? timeout : this.limits.getDefaultTimeout(), connectTimeout,
                (spec.lowSpeedLimit() != null) ? spec.lowSpeedLimit() : 0, lowSpeedTime,
                (spec.maxBodyBytes() != null) ? spec.maxBodyBytes() : maxBodyCap, codings, httpVersion, expectContinue,
                (spec.retries() != null) ? spec.retries() : -1);
    }

    private static String checkMethod(String method, Checks checks) {
        if (method == null) {
            return "GET";
        }
        String upper = method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(upper)) {
            checks.fail("method", "method", "\"" + method + "\" is not one of " + new java.util.TreeSet<>(METHODS));
        }
        return upper;
    }

    private List<Map.Entry<String, String>> checkHeaders(Map<String, String> headers, Checks checks) {
        if (headers == null) {
            return List.of();
        }
        if (headers.size() > this.limits.getMaxHeaders()) {
            checks.fail("headers", "max-size", "has " + headers.size() + " headers, more than the limit of "
                    + this.limits.getMaxHeaders() + " (multifetch.sample.limits.max-headers)");
        }
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        headers.forEach((name, value) -> {
            String field = "headers." + name;
            if (name.isEmpty() || !isToken(name)) {
                checks.fail(field, "header-name", "\"" + name + "\" is not a valid header name (an HTTP token)");
            } else if (ENGINE_HEADERS.contains(name.toLowerCase(Locale.ROOT)) || name.toLowerCase(Locale.ROOT).startsWith("proxy-")) {
                checks.fail(field, "engine-header", name + " is set by the engine (use acceptEncoding for Accept-Encoding,"
                        + " expectContinue for Expect: 100-continue)");
            } else if (value == null || value.chars().anyMatch((c) -> c == '\r' || c == '\n' || c == 0)) {
                checks.fail(field, "header-value", "must be a string without CR, LF or NUL");
            } else {
                entries.add(Map.entry(name, value));
            }
        });
        return entries;
    }

    private void checkBody(String body, Checks checks) {
        long max = this.limits.getMaxRequestBodySize().toBytes();
        if (body != null && body.getBytes(StandardCharsets.UTF_8).length > max) {
            checks.fail("body", "max-size", "is longer than " + max + " bytes (multifetch.sample.limits.max-request-body-size)");
        }
    }

    private int checkRedirects(FetchSpec spec, Checks checks) {
        boolean follow = Boolean.TRUE.equals(spec.followRedirects());
        int cap = this.limits.getMaxRedirects();
        if (spec.maxRedirects() == null) {
            return follow ? cap : -1;
        }
        if (!follow) {
            checks.fail("maxRedirects", "requires", "needs \"followRedirects\": true");
            return -1;
        }
        checks.range("maxRedirects", spec.maxRedirects(), 0, cap, "multifetch.sample.limits.max-redirects");
        return spec.maxRedirects();
    }

    private static Duration checkLowSpeed(FetchSpec spec, Checks checks, long maxTimeoutMs) {
        if (spec.lowSpeedLimit() == null) {
            if (spec.lowSpeedTimeMs() != null) {
                checks.fail("lowSpeedTimeMs", "requires", "needs \"lowSpeedLimit\"");
            }
            return null;
        }
        checks.range("lowSpeedLimit", spec.lowSpeedLimit(), 0, Long.MAX_VALUE, null);
        Duration time = checks.millis("lowSpeedTimeMs", spec.lowSpeedTimeMs(), maxTimeoutMs, "multifetch.sample.limits.max-timeout");
        return (time != null) ? time : Duration.ofSeconds(30);
    }

    private static List<String> checkCodings(List<String> codings, Checks checks) {
        if (codings == null) {
            return List.of();
        }
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < codings.size(); i++) {
            String coding = (codings.get(i) != null) ? codings.get(i).strip().toLowerCase(Locale.ROOT) : "";
            if (CODINGS.contains(coding)) {
                accepted.add(coding);
            } else {
                checks.fail("acceptEncoding[" + i + "]", "coding", "\"" + codings.get(i) + "\" is not one of gzip, deflate, identity");
            }
        }
        return accepted;
    }

    /** The version named, {@code null} (the engine's) when absent; names as multifetch.http-version takes them. */
    private static HttpVersion checkHttpVersion(String name, Checks checks) {
        if (name == null) {
            return null;
        }
        Optional<HttpVersion> version = HttpVersionNames.parse(name);
        if (version.isEmpty()) {
            checks.fail("httpVersion", "http-version", HttpVersionNames.notOneOf(name));
        }
        return version.orElse(null);
    }

    private static boolean isToken(String s) {
        return s.chars().allMatch((c) -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }

    /** The violations found in one spec, with the field prefix applied. */
    private static final class Checks {

        private final String prefix;
        private final List<Violation> violations;
        private boolean failed;

        Checks(String prefix, List<Violation> violations) {
            this.prefix = prefix;
            this.violations = violations;
        }

        void fail(String field, String rule, String message) {
            this.violations.add(new Violation(this.prefix + field, rule, message));
            this.failed = true;
        }

        boolean failed() {
            return this.failed;
        }

        void range(String field, long value, long min, long max, String property) {
            if (value < min || value > max) {
                String bounds = (max == Long.MAX_VALUE) ? "at least " + min : "between " + min + " and " + max;
                String source = (property != null) ? " (" + property + ")" : "";
                fail(field, "range", "must be " + bounds + source + ", was " + value);
            }
        }

        /** {@code value} ms as a duration when in 1..max, else {@code null} (absent or a violation). */
        Duration millis(String field, Long value, long max, String property) {
            if (value == null) {
                return null;
            }
            range(field, value, 1, max, property);
            return (value >= 1 && value <= max) ? Duration.ofMillis(value) : null;
        }
    }
}
