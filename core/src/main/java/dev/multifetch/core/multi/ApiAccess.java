package dev.multifetch.core.multi;

import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Headers;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The engine's way to what the public API keeps for it alone: the copies of a {@link FetchRequest}
 * it makes for a redirect's next hop or a repeat without {@code Expect: 100-continue}, the
 * credentials it may carry along, and a {@link FetchResponse} built with its timings still raw.
 * {@link FetchRequest} registers the one implementation when its class loads, so none of this is
 * public API (the JDK's SharedSecrets pattern). Not API.
 */
public abstract class ApiAccess {

    private static volatile ApiAccess access;

    /** Registers the implementation; only the first registration counts. */
    public static void register(ApiAccess implementation) {
        if (access == null) {
            access = implementation;
        }
    }

    static ApiAccess get() {
        return access;
    }

    /** A copy of {@code request} without {@code Expect: 100-continue} (after a 417). */
    protected abstract FetchRequest withoutExpectContinue(FetchRequest request);

    /** Records on a transfer's final failure its attempts and why it was not retried again. */
    protected abstract void failedAfter(FetchException failure, int attempts, dev.multifetch.core.RetryStop retryStop,
                                        String retryStopped);

    /** {@code request} with {@code fields} set, each replacing any field of the same name. */
    protected abstract FetchRequest withHeaders(FetchRequest request, Map<String, String> fields);

    /** A copy for the next hop of a redirect, with {@code credentials} in place of its own. */
    protected abstract FetchRequest redirected(FetchRequest request, String url, String method, boolean dropBody,
                                               List<Map.Entry<String, String>> credentials);

    /** The Authorization and Cookie fields of {@code request}. */
    protected abstract List<Map.Entry<String, String>> credentials(FetchRequest request);

    /** The response of a finished transfer, its timings still raw (turned into {@code Timings} when first read). */
    protected abstract FetchResponse response(int status, String reason, String httpVersion, Headers headers, byte[] body,
                                              String effectiveUrl, long[] timingNanos, int connects, Headers trailers,
                                              int redirects, InetSocketAddress remoteAddress, InetSocketAddress localAddress,
                                              long bytesSent, long bytesReceived, String proxy, int connectCode,
                                              int attempts, java.time.Duration retryAfter,
                                              dev.multifetch.core.RetryStop retryStop, String retryStopped);
}
