package dev.multifetch.autoconfigure.observation;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

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

    private static final Pattern BEFORE_PATH = Pattern.compile("^https?://[^/]+");

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

    private ClientKeyValues() {
    }

    /** The six low-cardinality key values, always all six, so start and stop tag the same series. */
    static KeyValues lowCardinality(FetchRequest request, int status, String host, Throwable error) {
        return KeyValues.of(method(request.method()), uri(request.uriTemplate()), status(status), clientName(host),
                exception(error), outcome(status));
    }

    static KeyValue method(String method) {
        return (method != null) ? KeyValue.of(LowCardinalityKeyNames.METHOD, method) : METHOD_NONE;
    }

    /** The template's path ({@code /users/{id}}), never the raw URL's: the timer's series stay bounded. */
    static KeyValue uri(String uriTemplate) {
        if (uriTemplate == null) {
            return URI_NONE;
        }
        String path = BEFORE_PATH.matcher(uriTemplate).replaceFirst("");
        return KeyValue.of(LowCardinalityKeyNames.URI, path.startsWith("/") ? path : "/" + path);
    }

    /** {@code status} as text, or {@code CLIENT_ERROR} when it is 0 (no response). */
    static KeyValue status(int status) {
        return (status > 0) ? KeyValue.of(LowCardinalityKeyNames.STATUS, Integer.toString(status)) : STATUS_CLIENT_ERROR;
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
        return "http " + ((method != null) ? method.toLowerCase(Locale.ROOT) : NONE);
    }

    /** The host of {@code url}, or {@code null} when it has none or does not parse. */
    static String host(String url) {
        try {
            return URI.create(url).getHost();
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /** {@code url} without the {@code user:password@} of its authority, which a span must never carry. */
    static String withoutUserInfo(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int start = scheme + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        return (at >= start) ? url.substring(0, start) + url.substring(at + 1) : url;
    }
}
