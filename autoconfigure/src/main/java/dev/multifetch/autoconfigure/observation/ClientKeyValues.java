package dev.multifetch.autoconfigure.observation;

import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import dev.multifetch.autoconfigure.observation.FetchObservationDocumentation.HighCardinalityKeyNames;
import dev.multifetch.autoconfigure.observation.FetchObservationDocumentation.LowCardinalityKeyNames;
import dev.multifetch.core.FetchRequest;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The key values of Spring's client convention ({@code DefaultClientRequestObservationConvention}),
 * computed from the engine's terms; shared by the fetch's and the attempt's conventions so both
 * always carry the same set of low-cardinality keys, at start and at stop.
 */
final class ClientKeyValues {

    private static final String NONE = "none";

    private static final KeyValue METHOD_NONE = KeyValue.of(LowCardinalityKeyNames.METHOD, NONE);

    private static final KeyValue URI_NONE = KeyValue.of(LowCardinalityKeyNames.URI, NONE);

    private static final KeyValue STATUS_CLIENT_ERROR = KeyValue.of(LowCardinalityKeyNames.STATUS, "CLIENT_ERROR");

    private static final KeyValue CLIENT_NAME_NONE = KeyValue.of(LowCardinalityKeyNames.CLIENT_NAME, NONE);

    private static final KeyValue EXCEPTION_NONE = KeyValue.of(LowCardinalityKeyNames.EXCEPTION, NONE);

    private static final KeyValue[] OUTCOMES = {
            KeyValue.of(LowCardinalityKeyNames.OUTCOME, "UNKNOWN"),
            KeyValue.of(LowCardinalityKeyNames.OUTCOME, "INFORMATIONAL"),
            KeyValue.of(LowCardinalityKeyNames.OUTCOME, "SUCCESS"),
            KeyValue.of(LowCardinalityKeyNames.OUTCOME, "REDIRECTION"),
            KeyValue.of(LowCardinalityKeyNames.OUTCOME, "CLIENT_ERROR"),
            KeyValue.of(LowCardinalityKeyNames.OUTCOME, "SERVER_ERROR") };

    /** The methods whose key values and contextual names are made once; others are made per call. */
    private static final List<String> COMMON_METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    private static final KeyValue[] METHODS = COMMON_METHODS.stream()
        .map((m) -> KeyValue.of(LowCardinalityKeyNames.METHOD, m))
        .toArray(KeyValue[]::new);

    private static final String[] CONTEXTUAL_NAMES = COMMON_METHODS.stream()
        .map((m) -> "http " + m.toLowerCase(Locale.ROOT))
        .toArray(String[]::new);

    /** The status key values of 100 to 599, made once: every fetch ends with one. */
    private static final KeyValue[] STATUSES = IntStream.range(100, 600)
        .mapToObj((s) -> KeyValue.of(LowCardinalityKeyNames.STATUS, Integer.toString(s)))
        .toArray(KeyValue[]::new);

    private ClientKeyValues() {
    }

    /** The six low-cardinality key values, always all six, so start and stop tag the same series. */
    static KeyValues lowCardinality(FetchRequest request, int status, String host, Throwable error) {
        return KeyValues.of(method(request.method()), uri(request.uriTemplate()), status(status), clientName(host),
                exception(error), outcome(status));
    }

    static KeyValue method(String method) {
        if (method == null) {
            return METHOD_NONE;
        }
        int common = COMMON_METHODS.indexOf(method);
        return (common >= 0) ? METHODS[common] : KeyValue.of(LowCardinalityKeyNames.METHOD, method);
    }

    /** The template's path ({@code /users/{id}}), never the raw URL's: the timer's series stay bounded. */
    static KeyValue uri(String uriTemplate) {
        if (uriTemplate == null) {
            return URI_NONE;
        }
        String path = uriTemplate;
        if (uriTemplate.startsWith("http://") || uriTemplate.startsWith("https://")) {
            int start = authorityStart(uriTemplate);
            int slash = uriTemplate.indexOf('/', start);
            path = (slash < 0) ? "" : uriTemplate.substring(slash);
        }
        return KeyValue.of(LowCardinalityKeyNames.URI, path.startsWith("/") ? path : "/" + path);
    }

    /** {@code status} as text, or {@code CLIENT_ERROR} when it is 0 (no response). */
    static KeyValue status(int status) {
        if (status <= 0) {
            return STATUS_CLIENT_ERROR;
        }
        return (status >= 100 && status < 600) ? STATUSES[status - 100]
                : KeyValue.of(LowCardinalityKeyNames.STATUS, Integer.toString(status));
    }

    /** The status's class, as Spring's {@code HttpOutcome}; {@code UNKNOWN} without a response or outside 1xx to 5xx. */
    static KeyValue outcome(int status) {
        int series = status / 100;
        return (series >= 1 && series <= 5) ? OUTCOMES[series] : OUTCOMES[0];
    }

    static KeyValue clientName(String host) {
        return (host != null) ? KeyValue.of(LowCardinalityKeyNames.CLIENT_NAME, host) : CLIENT_NAME_NONE;
    }

    static KeyValue exception(Throwable error) {
        if (error == null) {
            return EXCEPTION_NONE;
        }
        String simpleName = error.getClass().getSimpleName();
        return KeyValue.of(LowCardinalityKeyNames.EXCEPTION, simpleName.isEmpty() ? error.getClass().getName() : simpleName);
    }

    static KeyValue httpUrl(String url) {
        return KeyValue.of(HighCardinalityKeyNames.HTTP_URL, withoutUserInfo(url));
    }

    /** Spring's contextual name: {@code http get}. */
    static String contextualName(String method) {
        int common = (method != null) ? COMMON_METHODS.indexOf(method) : -1;
        if (common >= 0) {
            return CONTEXTUAL_NAMES[common];
        }
        return "http " + ((method != null) ? method.toLowerCase(Locale.ROOT) : NONE);
    }

    /**
     * The host of {@code url} as {@link java.net.URI#getHost()} gives it (an IPv6 literal in
     * brackets), or {@code null} when it has none. Read by hand: it runs for every fetch.
     */
    static String host(String url) {
        int start = authorityStart(url);
        if (start < 0) {
            return null;
        }
        int end = authorityEnd(url, start);
        int at = url.lastIndexOf('@', end - 1);
        int hostStart = (at >= start) ? at + 1 : start;
        int hostEnd;
        if (hostStart < end && url.charAt(hostStart) == '[') {
            int close = url.indexOf(']', hostStart);
            hostEnd = (close < 0 || close >= end) ? end : close + 1;
        }
        else {
            int colon = url.indexOf(':', hostStart);
            hostEnd = (colon < 0 || colon >= end) ? end : colon;
        }
        return (hostEnd > hostStart) ? url.substring(hostStart, hostEnd) : null;
    }

    /** {@code url} without the {@code user:password@} of its authority, which a span must never carry. */
    static String withoutUserInfo(String url) {
        int start = authorityStart(url);
        if (start < 0) {
            return url;
        }
        int at = url.lastIndexOf('@', authorityEnd(url, start) - 1);
        return (at >= start) ? url.substring(0, start) + url.substring(at + 1) : url;
    }

    /** Where the authority of {@code url} starts (after {@code ://}), or -1 when it has none. */
    private static int authorityStart(String url) {
        int scheme = url.indexOf("://");
        return (scheme < 0) ? -1 : scheme + 3;
    }

    /** Where the authority that starts at {@code start} ends: at the path, query or fragment. */
    private static int authorityEnd(String url, int start) {
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return end;
    }
}
