package dev.multifetch.autoconfigure.http;

import java.net.URI;
import java.util.List;
import java.util.Map;

import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.Headers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * Translates between Spring's HTTP messages and the engine's: a request with its client's
 * {@link RequestSettings}, and response headers. Shared by the blocking and the reactive bridge.
 */
final class EngineRequests {

    private EngineRequests() {
    }

    /**
     * A request for the engine. Framing headers ({@code Content-Length},
     * {@code Transfer-Encoding}) are left to the engine, which frames the body it is given; so is
     * the HTTP version ({@code multifetch.http-version}), so that HTTP/2 is used wherever the
     * engine negotiates it.
     */
    static FetchRequest request(HttpMethod method, URI uri, HttpHeaders headers, byte[] body,
            RequestSettings settings) {
        FetchRequest.Builder request = FetchRequest.builder(uri.toASCIIString()).method(method.name());
        for (Map.Entry<String, List<String>> header : headers.headerSet()) {
            if (!isFraming(header.getKey())) {
                header.getValue().forEach((value) -> request.header(header.getKey(), value));
            }
        }
        if (body != null && body.length > 0) {
            request.body(body);
        }
        settings.applyTo(request);
        return request.build();
    }

    private static boolean isFraming(String name) {
        return name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH) || name.equalsIgnoreCase(HttpHeaders.TRANSFER_ENCODING);
    }

    /** The response's header fields, in order, as read-only {@link HttpHeaders}. */
    static HttpHeaders httpHeaders(Headers headers) {
        HttpHeaders result = new HttpHeaders();
        headers.entries().forEach((field) -> result.add(field.getKey(), field.getValue()));
        return HttpHeaders.readOnlyHttpHeaders(result);
    }
}
