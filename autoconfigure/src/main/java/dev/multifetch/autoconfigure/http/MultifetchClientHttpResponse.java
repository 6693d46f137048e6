package dev.multifetch.autoconfigure.http;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import dev.multifetch.core.FetchResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/** A whole response from the engine; there is nothing to release on close. */
final class MultifetchClientHttpResponse implements ClientHttpResponse {

    private final FetchResponse response;
    private final HttpHeaders headers;

    MultifetchClientHttpResponse(FetchResponse response) {
        this.response = response;
        this.headers = EngineRequests.httpHeaders(response.headers());
    }

    @Override
    public HttpStatusCode getStatusCode() {
        return HttpStatusCode.valueOf(this.response.status());
    }

    @Override
    public String getStatusText() {
        return this.response.reason();
    }

    @Override
    public HttpHeaders getHeaders() {
        return this.headers;
    }

    @Override
    public InputStream getBody() {
        return new ByteArrayInputStream(this.response.body());
    }

    @Override
    public void close() {
    }
}
