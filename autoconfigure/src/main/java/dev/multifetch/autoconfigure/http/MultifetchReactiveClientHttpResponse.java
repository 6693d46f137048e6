package dev.multifetch.autoconfigure.http;

import java.net.HttpCookie;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.multifetch.core.FetchResponse;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.reactive.AbstractClientHttpResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/** A whole response from the engine, its body one buffer. */
final class MultifetchReactiveClientHttpResponse extends AbstractClientHttpResponse {

    private static final Pattern SAME_SITE = Pattern.compile("(?i).*SameSite=(Strict|Lax|None).*");

    MultifetchReactiveClientHttpResponse(FetchResponse response) {
        super(HttpStatusCode.valueOf(response.status()), EngineRequests.httpHeaders(response.headers()),
                cookies(response), body(response.body()));
    }

    private static Flux<DataBuffer> body(byte[] bytes) {
        return (bytes.length == 0) ? Flux.empty()
                : Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)));
    }

    /** The {@code Set-Cookie} fields parsed; a malformed one is skipped, as browsers do. */
    private static MultiValueMap<String, ResponseCookie> cookies(FetchResponse response) {
        MultiValueMap<String, ResponseCookie> cookies = new LinkedMultiValueMap<>();
        for (String header : response.headers().all(HttpHeaders.SET_COOKIE)) {
            Matcher sameSite = SAME_SITE.matcher(header);
            String policy = sameSite.matches() ? sameSite.group(1) : null;
            try {
                for (HttpCookie cookie : HttpCookie.parse(header)) {
                    cookies.add(cookie.getName(), ResponseCookie.from(cookie).sameSite(policy).build());
                }
            }
            catch (IllegalArgumentException malformed) {
                // not a cookie: the header is still there for whoever wants it
            }
        }
        return cookies;
    }
}
