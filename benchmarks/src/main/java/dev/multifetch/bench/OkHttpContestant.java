package dev.multifetch.bench;

import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp's asynchronous calls ({@code enqueue}), each body read whole. Its dispatcher lets every
 * request in flight run at once (one thread each: OkHttp's I/O is blocking) and at most
 * {@code perHost} at once per origin over HTTP/1.1. Over HTTP/2 (h2c with prior knowledge on
 * http://, ALPN h2 over TLS) it keeps one connection per origin and opens another only when the
 * server's stream limit is reached: the connection count cannot be pinned. Through a proxy it
 * forwards plain http in absolute form.
 */
final class OkHttpContestant implements Contestant {

    private final OkHttpClient client;
    private final boolean connectionClose;

    OkHttpContestant(Settings s) {
        this.connectionClose = s.connectionClose();
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(s.concurrency());
        dispatcher.setMaxRequestsPerHost(s.h2() ? s.concurrency() : Math.min(s.concurrency(), s.connectionsPerOrigin()));
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(s.connectionsTotal(), 5, TimeUnit.MINUTES))
                .followRedirects(false)
                .retryOnConnectionFailure(false)
                .readTimeout(60, TimeUnit.SECONDS)
                .protocols(protocols(s));
        if (s.proxied()) {
            builder.proxy(new Proxy(Proxy.Type.HTTP, s.proxyAddress()));
        }
        if (s.tls()) {
            BenchTls tls = BenchTls.trusting(s.trustPem());
            builder.sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager());
        }
        this.client = builder.build();
    }

    private static List<Protocol> protocols(Settings s) {
        if (!s.h2()) {
            return List.of(Protocol.HTTP_1_1);
        }
        return s.tls() ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1) : List.of(Protocol.H2_PRIOR_KNOWLEDGE);
    }

    @Override
    public void get(URI uri, Callback callback) {
        Request.Builder request = new Request.Builder().url(uri.toString());
        if (connectionClose) {
            request.header("Connection", "close");
        }
        client.newCall(request.build()).enqueue(new okhttp3.Callback() {
            @Override
            public void onResponse(Call call, Response response) {
                try (response) {
                    int length = response.body().bytes().length;
                    callback.done(response.code(), length, null);
                } catch (IOException failure) {
                    callback.done(0, 0, failure);
                }
            }

            @Override
            public void onFailure(Call call, IOException failure) {
                callback.done(0, 0, failure);
            }
        });
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdownNow();
        client.connectionPool().evictAll();
    }
}
