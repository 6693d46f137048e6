package dev.multifetch.core;

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
    private final Timings timings;
    private final int connects;

    /** Creates a response; used by the multi handle. */
    public FetchResponse(int status, String reason, String httpVersion, Headers headers, byte[] body,
                         String effectiveUrl, Timings timings, int connects) {
        this.status = status;
        this.reason = reason;
        this.httpVersion = httpVersion;
        this.headers = headers;
        this.body = body;
        this.effectiveUrl = effectiveUrl;
        this.timings = timings;
        this.connects = connects;
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

    /** The body bytes (transfer decoding undone). The array is not copied: do not modify it. */
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
        return timings;
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
