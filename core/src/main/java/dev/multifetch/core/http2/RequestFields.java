package dev.multifetch.core.http2;

import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.RequestBody;
import dev.multifetch.core.http1.RequestWriter;
import dev.multifetch.core.http1.Target;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields of a request as HTTP/2 sends them (RFC 9113 section 8.3.1): the pseudo-headers
 * first, then the engine's and the user's fields in lower case, without the ones that only mean
 * something to an HTTP/1.1 connection ({@code Connection}, {@code Keep-Alive},
 * {@code Proxy-Connection}, {@code Transfer-Encoding}, {@code Upgrade}, {@code Host} which
 * becomes {@code :authority}, and {@code TE} unless it is {@code trailers}). The body's length
 * is the engine's to state.
 */
public final class RequestFields {

    private RequestFields() {
    }

    /** The fields for {@code request} to {@code target}. */
    public static List<Map.Entry<String, String>> of(FetchRequest request, Target target, String userAgent) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(8 + request.headers().size());
        String authority = request.headers().first("Host").orElse(target.hostHeader());
        fields.add(field(":method", request.method()));
        fields.add(field(":scheme", target.origin().scheme()));
        fields.add(field(":authority", authority));
        fields.add(field(":path", target.requestTarget()));
        if (!request.headers().contains("User-Agent")) {
            fields.add(field("user-agent", userAgent));
        }
        if (!request.headers().contains("Accept")) {
            fields.add(field("accept", "*/*"));
        }
        if (!request.acceptEncoding().isEmpty() && !request.headers().contains("Accept-Encoding")) {
            fields.add(field("accept-encoding", String.join(", ", request.acceptEncoding())));
        }
        for (Map.Entry<String, String> h : request.headers().entries()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (sent(name, h.getValue())) {
                fields.add(field(name, h.getValue()));
            }
        }
        RequestBody body = request.body();
        if (body != null && body.length() >= 0) {
            fields.add(field("content-length", Long.toString(body.length())));
        } else if (body == null && RequestWriter.needsLength(request.method())) {
            fields.add(field("content-length", "0"));
        }
        return fields;
    }

    private static boolean sent(String name, String value) {
        return switch (name) {
            // proxy-authorization is for a proxy: HTTP/2 here only ever goes to an origin
            case "host", "content-length", "expect", "proxy-authorization" -> false;
            case "te" -> value.trim().equalsIgnoreCase("trailers");
            default -> !FieldRules.isConnectionSpecific(name);
        };
    }

    private static Map.Entry<String, String> field(String name, String value) {
        return new SimpleImmutableEntry<>(name, value);
    }
}
