package dev.multifetch.autoconfigure.http;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

import dev.multifetch.core.FetchRequest;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.AbstractClientHttpRequest;

/**
 * A reactive request that collects its body, since the engine sends a request whole. Cookies
 * become one {@code Cookie} header when the request commits.
 */
final class MultifetchReactiveClientHttpRequest extends AbstractClientHttpRequest {

    private final HttpMethod method;
    private final URI uri;
    private byte[] body;

    MultifetchReactiveClientHttpRequest(HttpMethod method, URI uri) {
        this.method = method;
        this.uri = uri;
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
    public DataBufferFactory bufferFactory() {
        return DefaultDataBufferFactory.sharedInstance;
    }

    @Override
    public <T> T getNativeRequest() {
        throw new UnsupportedOperationException("the multifetch request is built when the exchange runs");
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        return doCommit(() -> DataBufferUtils.join(body).doOnNext(this::keep).then());
    }

    private void keep(DataBuffer joined) {
        try {
            this.body = new byte[joined.readableByteCount()];
            joined.read(this.body);
        }
        finally {
            DataBufferUtils.release(joined);
        }
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        return writeWith(Flux.from(body).flatMap(Flux::from));
    }

    @Override
    public Mono<Void> setComplete() {
        return doCommit();
    }

    @Override
    protected void applyHeaders() {
        // the headers are read once the request is complete, in toFetchRequest
    }

    @Override
    protected void applyCookies() {
        List<HttpCookie> cookies = getCookies().values().stream().flatMap(List::stream).toList();
        if (!cookies.isEmpty()) {
            getHeaders().set(HttpHeaders.COOKIE,
                    cookies.stream().map(HttpCookie::toString).collect(Collectors.joining("; ")));
        }
    }

    /** The engine's request for what was written; call after the request has committed. */
    FetchRequest toFetchRequest(RequestSettings settings) {
        return EngineRequests.request(this.method, this.uri, getHeaders(), this.body, settings);
    }
}
