package dev.multifetch.autoconfigure.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.AbstractBufferingClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;

/**
 * One blocking request on the engine. The body is buffered (the engine sends a request whole);
 * executing hands it to the engine and waits for the response. An interrupt while waiting
 * cancels the transfer; a failed transfer surfaces as its
 * {@link dev.multifetch.core.FetchException}, an {@link IOException} naming the
 * {@link dev.multifetch.core.FetchError}.
 */
final class MultifetchClientHttpRequest extends AbstractBufferingClientHttpRequest {

    private final FetchEngine engine;
    private final HttpMethod method;
    private final URI uri;
    private final RequestSettings settings;

    MultifetchClientHttpRequest(FetchEngine engine, HttpMethod method, URI uri, RequestSettings settings) {
        this.engine = engine;
        this.method = method;
        this.uri = uri;
        this.settings = settings;
    }

    @Override
    public HttpMethod getMethod() {
        return this.method;
    }

    @Override
    public URI getURI() {
        return this.uri;
    }

    @Override
    protected ClientHttpResponse executeInternal(HttpHeaders headers, byte[] body) throws IOException {
        CompletableFuture<FetchResponse> response = BridgedFetches.fetch(this.engine,
                EngineRequests.request(this.method, this.uri, headers, body, this.settings));
        try {
            return new MultifetchClientHttpResponse(response.get());
        }
        catch (InterruptedException ex) {
            response.cancel(false);
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted waiting for " + this.uri);
            interrupted.initCause(ex);
            throw interrupted;
        }
        catch (CancellationException ex) {
            throw new IOException("request to " + this.uri + " was cancelled", ex);
        }
        catch (ExecutionException ex) {
            throw unwrap(ex.getCause());
        }
    }

    /** The transfer's own failure: an IOException as such, anything else (a closed engine) wrapped. */
    private IOException unwrap(Throwable failure) {
        if (failure instanceof IOException io) {
            return io;
        }
        return new IOException("request to " + this.uri + " failed: " + failure.getMessage(), failure);
    }
}
