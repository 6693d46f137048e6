package dev.multifetch.core;

import dev.multifetch.core.multi.ApiAccess;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The engine's way to what {@link FetchRequest} and {@link FetchResponse} keep for it alone (see {@link ApiAccess}). */
final class RequestAccess extends ApiAccess {

    private RequestAccess() {
    }

    /** Registers the one instance; called when {@link FetchRequest} loads. */
    static void register() {
        ApiAccess.register(new RequestAccess());
    }

    @Override
    protected FetchRequest withoutExpectContinue(FetchRequest request) {
        return request.withoutExpectContinue();
    }

    @Override
    protected void failedAfter(FetchException failure, int attempts, RetryStop retryStop, String retryStopped) {
        failure.withRetries(attempts, retryStop, retryStopped);
    }

    @Override
    protected FetchRequest withHeaders(FetchRequest request, java.util.Map<String, String> fields) {
        return request.withHeaders(fields);
    }

    @Override
    protected FetchRequest redirected(FetchRequest request, String url, String method, boolean dropBody,
                                      List<Map.Entry<String, String>> credentials) {
        return request.redirected(url, method, dropBody, credentials);
    }

    @Override
    protected List<Map.Entry<String, String>> credentials(FetchRequest request) {
        return request.credentials();
    }

    @Override
    protected FetchResponse response(int status, String reason, String httpVersion, Headers headers, byte[] body,
                                     String effectiveUrl, long[] timingNanos, int connects, Headers trailers,
                                     int redirects, java.net.InetSocketAddress remoteAddress,
                                     java.net.InetSocketAddress localAddress, long bytesSent, long bytesReceived,
                                     String proxy, int connectCode, int attempts, Duration retryAfter,
                                     RetryStop retryStop, String retryStopped) {
        return new FetchResponse(status, reason, httpVersion, headers, body, effectiveUrl, timingNanos, connects,
                trailers, redirects, remoteAddress, localAddress, bytesSent, bytesReceived, proxy, connectCode)
                .withRetries(attempts, retryAfter, retryStop, retryStopped);
    }
}
