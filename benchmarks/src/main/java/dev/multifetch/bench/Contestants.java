package dev.multifetch.bench;

import dev.multifetch.core.BodyConsumer;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.HttpVersion;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.TlsConfig;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.ByteBuffer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.io.CloseMode;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpProxy;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.resources.ConnectionProvider;

/**
 * The contestants by name, each configured as its users would for this load: keep-alive, enough
 * connections for the requests in flight, the per-origin cap where the client has one, and
 * otherwise its defaults (threads, buffers, executors). With {@link Settings#h2()} each speaks
 * HTTP/2 (h2c with prior knowledge on {@code http://}, ALPN h2 on {@code https://}) over
 * {@link Settings#perHost()} connections with {@link Settings#streams()} streams each, as far as
 * the client lets that be set; over https each trusts the benchmark's own certificate. With
 * {@link Settings#proxied()} each forwards through the proxy with its own proxy setting; Reactor
 * Netty cannot forward (its HTTP proxy always tunnels with CONNECT) and refuses.
 */
final class Contestants {

    /** Names accepted by {@link #create}. */
    static final List<String> NAMES = List.of("multifetch", "multifetch-direct", "multifetch-stream", "multifetch-h1",
            "multifetch-observed", "multifetch-traced", "webclient", "webclient-observed",
            "jdk", "apache", "jetty", "reactor-netty", "okhttp");

    /** The contestants that can send {@code Connection: close} on every request ({@link Settings#connectionClose()}). */
    private static final List<String> CLOSING = List.of("apache", "jetty", "okhttp");

    private static final int MAX_BODY = 4 * 1024 * 1024;

    private Contestants() {
    }

    /** A future's completion handler that reports the response's status and body length, or the failure. */
    private static <R> BiConsumer<R, Throwable> reporting(Contestant.Callback callback, ToIntFunction<R> status,
                                                          ToLongFunction<R> bodyLength) {
        return (response, failure) -> {
            if (failure != null) {
                callback.done(0, 0, failure);
            } else {
                callback.done(status.applyAsInt(response), bodyLength.applyAsLong(response), null);
            }
        };
    }

    /** A started contestant, or {@link IllegalArgumentException} for an unknown name. */
    static Contestant create(String name, Settings settings) throws Exception {
        if (settings.connectionClose() && !CLOSING.contains(name)) {
            throw new IllegalArgumentException(name + ": no --connection-close (only " + CLOSING + ")");
        }
        return switch (name) {
            case "multifetch" -> new Multifetch(settings, false, false);
            case "multifetch-direct" -> new Multifetch(settings, true, false);
            case "multifetch-stream" -> new Multifetch(settings, false, true);
            case "multifetch-h1" -> new Multifetch(settings.h1(settings.perHost()), false, false);
            case "multifetch-observed" -> new ObservedMultifetch(settings, 0.1f);
            case "multifetch-traced" -> new ObservedMultifetch(settings, 1.0f);
            case "webclient" -> new SpringWebClient(settings, false);
            case "webclient-observed" -> new SpringWebClient(settings, true);
            case "jdk" -> new Jdk(settings);
            case "apache" -> new Apache(settings);
            case "jetty" -> new Jetty(settings);
            case "reactor-netty" -> new ReactorNetty(settings);
            case "okhttp" -> new OkHttpContestant(settings);
            default -> throw new IllegalArgumentException("unknown client: " + name + "; known: " + NAMES);
        };
    }

    /**
     * multifetch's engine; "direct" completes futures on the selector thread instead of the common
     * pool; "stream" counts each body through a {@link BodyConsumer} instead of keeping it, so what
     * it allocates per request is the engine's own cost without the body's array; "h1" speaks
     * HTTP/1.1 whatever the scenario, over the connections its {@code --per-host} allows.
     */
    private static final class Multifetch implements Contestant {

        private final FetchEngine engine;
        private final boolean stream;

        Multifetch(Settings s, boolean direct, boolean stream) {
            this.stream = stream;
            MultiOptions.Builder options = MultiOptions.builder()
                    .maxHostConnections(s.perHost())
                    .maxTotalConnections(0)
                    .maxConnects(s.connectionsTotal());
            if (s.h2()) {
                // h2c needs prior knowledge; over TLS, HTTP_2 offers h2 by ALPN
                options.httpVersion(s.tls() ? HttpVersion.HTTP_2 : HttpVersion.HTTP_2_PRIOR_KNOWLEDGE)
                        .maxConcurrentStreams(s.streams());
            } else {
                options.httpVersion(HttpVersion.HTTP_1_1);
            }
            if (s.trustPem() != null) {
                options.tls(TlsConfig.builder().trustPem(s.trustPem()).build());
            }
            if (s.proxied()) {
                options.proxy(s.proxy().toString());
            }
            FetchEngine.Builder builder = FetchEngine.builder().options(options.build());
            if (direct) {
                builder.completionExecutor(Runnable::run);
            }
            this.engine = builder.build();
        }

        @Override
        public void get(URI uri, Callback callback) {
            if (!stream) {
                engine.fetch(FetchRequest.get(uri.toString()))
                        .whenComplete(reporting(callback, FetchResponse::status, r -> r.body().length));
                return;
            }
            Counter counter = new Counter();
            engine.fetch(FetchRequest.builder(uri.toString()).bodyConsumer(counter).build())
                    .whenComplete(reporting(callback, FetchResponse::status, r -> counter.bytes));
        }

        /** Counts body bytes and drops them. */
        private static final class Counter implements BodyConsumer {

            long bytes;

            @Override
            public boolean onData(ByteBuffer data) {
                bytes += data.remaining();
                data.position(data.limit());
                return true;
            }
        }

        @Override
        public void close() {
            engine.close(Duration.ofSeconds(2));
        }
    }

    /**
     * The JDK's java.net.http client: HTTP/1.1 with no per-origin connection cap, or HTTP/2 over TLS
     * on one connection per origin (it has no h2c with prior knowledge, only the upgrade).
     */
    private static final class Jdk implements Contestant {

        private final HttpClient client;

        Jdk(Settings s) {
            if (s.h2() && !s.tls()) {
                throw new IllegalArgumentException("jdk: no HTTP/2 with prior knowledge on cleartext (h2c)");
            }
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .version(s.h2() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
            if (s.tls()) {
                builder.sslContext(BenchTls.trusting(s.trustPem()).context());
            }
            if (s.proxied()) {
                builder.proxy(ProxySelector.of(s.proxyAddress()));
            }
            this.client = builder.build();
        }

        @Override
        public void get(URI uri, Callback callback) {
            HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
            client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .whenComplete(reporting(callback, HttpResponse::statusCode, r -> r.body().length));
        }

        @Override
        public void close() {
            // java.net.http.HttpClient is AutoCloseable only from Java 21; its threads are daemons.
        }
    }

    /**
     * Apache HttpClient 5 async: HTTP/1.1 with a pooling connection manager, or its HTTP/2-only
     * client (h2c with prior knowledge on http://), which keeps one connection per route.
     */
    private static final class Apache implements Contestant {

        private final CloseableHttpAsyncClient client;
        private final boolean connectionClose;

        Apache(Settings s) {
            this.connectionClose = s.connectionClose();
            TlsStrategy tls = s.tls()
                    ? ClientTlsStrategyBuilder.create().setSslContext(BenchTls.trusting(s.trustPem()).context()).buildAsync()
                    : null;
            if (s.h2()) {
                this.client = HttpAsyncClients.customHttp2()
                        .setTlsStrategy(tls)
                        .setH2Config(H2Config.custom().setMaxConcurrentStreams(s.streams()).setPushEnabled(false).build())
                        .build();
            } else {
                PoolingAsyncClientConnectionManagerBuilder manager = PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(s.connectionsPerOrigin())
                        .setMaxConnTotal(s.connectionsTotal());
                if (tls != null) {
                    manager.setTlsStrategy(tls).setDefaultTlsConfig(org.apache.hc.client5.http.config.TlsConfig.custom()
                            .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build());
                }
                this.client = HttpAsyncClients.custom()
                        .setConnectionManager(manager.build())
                        .setProxy(s.proxied() ? new HttpHost(s.proxy().getScheme(), s.proxy().getHost(), s.proxy().getPort()) : null)
                        .build();
            }
            client.start();
        }

        @Override
        public void get(URI uri, Callback callback) {
            SimpleRequestBuilder request = SimpleRequestBuilder.get(uri);
            if (connectionClose) {
                request.addHeader("Connection", "close");
            }
            client.execute(request.build(), new FutureCallback<SimpleHttpResponse>() {
                @Override
                public void completed(SimpleHttpResponse response) {
                    byte[] body = response.getBodyBytes();
                    callback.done(response.getCode(), body == null ? 0 : body.length, null);
                }

                @Override
                public void failed(Exception failure) {
                    callback.done(0, 0, failure);
                }

                @Override
                public void cancelled() {
                    callback.done(0, 0, new IllegalStateException("cancelled"));
                }
            });
        }

        @Override
        public void close() {
            client.close(CloseMode.IMMEDIATE);
        }
    }

    /**
     * Jetty 12's HttpClient with its default thread pool, buffering each body; for HTTP/2 its
     * HTTP/2 transport (h2c with prior knowledge on http://), at most {@code perHost} connections
     * per destination, each carrying as many streams as the server allows.
     */
    private static final class Jetty implements Contestant {

        private final org.eclipse.jetty.client.HttpClient client;
        private final boolean connectionClose;

        Jetty(Settings s) throws Exception {
            this.connectionClose = s.connectionClose();
            this.client = s.h2()
                    ? new org.eclipse.jetty.client.HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(new ClientConnector())))
                    : new org.eclipse.jetty.client.HttpClient();
            if (s.tls()) {
                SslContextFactory.Client ssl = new SslContextFactory.Client();
                ssl.setSslContext(BenchTls.trusting(s.trustPem()).context());
                client.setSslContextFactory(ssl);
            }
            client.setMaxConnectionsPerDestination(s.connectionsPerOrigin());
            client.setMaxRequestsQueuedPerDestination(Math.max(1024, s.concurrency() * 2));
            client.setFollowRedirects(false);
            if (s.proxied()) {
                client.getProxyConfiguration().addProxy(new HttpProxy(s.proxy().getHost(), s.proxy().getPort()));
            }
            client.start();
        }

        @Override
        public void get(URI uri, Callback callback) {
            Request request = client.newRequest(uri);
            if (connectionClose) {
                request.headers(h -> h.put(HttpHeader.CONNECTION, "close"));
            }
            request.send(new BufferingResponseListener(MAX_BODY) {
                @Override
                public void onComplete(Result result) {
                    if (result.isFailed()) {
                        callback.done(0, 0, result.getFailure());
                    } else {
                        callback.done(result.getResponse().getStatus(), getContent().length, null);
                    }
                }
            });
        }

        @Override
        public void close() {
            try {
                client.stop();
            } catch (Exception failure) {
                System.err.println("jetty: stop failed: " + failure);
            }
        }
    }

    /**
     * Reactor Netty's HttpClient with a connection pool per origin, aggregating each body; for
     * HTTP/2 (H2C with prior knowledge, or H2 over TLS) the pool's allocation strategy pins
     * {@code perHost} connections of {@code streams} streams each.
     */
    private static final class ReactorNetty implements Contestant {

        private final ConnectionProvider provider;
        private final reactor.netty.http.client.HttpClient client;

        ReactorNetty(Settings s) {
            if (s.proxied()) {
                throw new IllegalArgumentException("reactor-netty: its HTTP proxy always tunnels (CONNECT), even for http://;"
                        + " not comparable with forwarding");
            }
            ConnectionProvider.Builder pool = ConnectionProvider.builder("bench")
                    .maxConnections(s.connectionsPerOrigin())
                    .pendingAcquireMaxCount(-1)
                    .pendingAcquireTimeout(Duration.ofSeconds(60));
            if (s.h2()) {
                pool.allocationStrategy(Http2AllocationStrategy.builder()
                        .maxConnections(s.connectionsPerOrigin())
                        .minConnections(s.connectionsPerOrigin())
                        .maxConcurrentStreams(s.streams())
                        .build());
            }
            this.provider = pool.build();
            reactor.netty.http.client.HttpClient c = reactor.netty.http.client.HttpClient.create(provider);
            if (s.h2()) {
                c = c.protocol(s.tls() ? HttpProtocol.H2 : HttpProtocol.H2C);
            }
            if (s.tls()) {
                javax.net.ssl.X509TrustManager trust = BenchTls.trusting(s.trustPem()).trustManager();
                c = s.h2()
                        ? c.secure(spec -> spec.sslContext(Http2SslContextSpec.forClient().configure(b -> b.trustManager(trust))))
                        : c.secure(spec -> spec.sslContext(Http11SslContextSpec.forClient().configure(b -> b.trustManager(trust))));
            }
            this.client = c;
        }

        @Override
        public void get(URI uri, Callback callback) {
            client.get().uri(uri)
                    .responseSingle((response, body) -> body.asByteArray()
                            .map(bytes -> (long) bytes.length)
                            .defaultIfEmpty(0L)
                            .map(length -> new long[] {response.status().code(), length}))
                    .subscribe(r -> callback.done((int) r[0], r[1], null), failure -> callback.done(0, 0, failure));
        }

        @Override
        public void close() {
            provider.disposeLater().block(Duration.ofSeconds(5));
            HttpResources.disposeLoopsAndConnectionsLater().block(Duration.ofSeconds(5));
        }
    }
}
