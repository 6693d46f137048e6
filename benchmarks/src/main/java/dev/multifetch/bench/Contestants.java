package dev.multifetch.bench;

import dev.multifetch.core.BodyConsumer;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.MultiOptions;
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
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.io.CloseMode;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.Result;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.ConnectionProvider;

/**
 * The contestants by name, each configured as its users would for this load: HTTP/1.1, keep-alive,
 * enough connections for the requests in flight, the per-origin cap where the client has one, and
 * otherwise its defaults (threads, buffers, executors).
 */
final class Contestants {

    /** Names accepted by {@link #create}. */
    static final List<String> NAMES = List.of("multifetch", "multifetch-direct", "multifetch-stream", "jdk", "apache", "jetty", "reactor-netty");

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
        return switch (name) {
            case "multifetch" -> new Multifetch(settings, false, false);
            case "multifetch-direct" -> new Multifetch(settings, true, false);
            case "multifetch-stream" -> new Multifetch(settings, false, true);
            case "jdk" -> new Jdk();
            case "apache" -> new Apache(settings);
            case "jetty" -> new Jetty(settings);
            case "reactor-netty" -> new ReactorNetty(settings);
            default -> throw new IllegalArgumentException("unknown client: " + name + "; known: " + NAMES);
        };
    }

    /**
     * multifetch's engine; "direct" completes futures on the selector thread instead of the common
     * pool; "stream" counts each body through a {@link BodyConsumer} instead of keeping it, so what
     * it allocates per request is the engine's own cost without the body's array.
     */
    private static final class Multifetch implements Contestant {

        private final FetchEngine engine;
        private final boolean stream;

        Multifetch(Settings s, boolean direct, boolean stream) {
            this.stream = stream;
            MultiOptions options = MultiOptions.builder()
                    .maxHostConnections(s.perHost())
                    .maxTotalConnections(0)
                    .maxConnects(s.connectionsTotal())
                    .build();
            FetchEngine.Builder builder = FetchEngine.builder().options(options);
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

    /** The JDK's java.net.http client; it has no per-origin connection cap for HTTP/1.1. */
    private static final class Jdk implements Contestant {

        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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

    /** Apache HttpClient 5 async with a pooling connection manager (cleartext: HTTP/1.1). */
    private static final class Apache implements Contestant {

        private final CloseableHttpAsyncClient client;

        Apache(Settings s) {
            this.client = HttpAsyncClients.custom()
                    .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                            .setMaxConnPerRoute(s.connectionsPerOrigin())
                            .setMaxConnTotal(s.connectionsTotal())
                            .build())
                    .build();
            client.start();
        }

        @Override
        public void get(URI uri, Callback callback) {
            client.execute(SimpleRequestBuilder.get(uri).build(), new FutureCallback<SimpleHttpResponse>() {
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

    /** Jetty 12's HttpClient with its default thread pool, buffering each body. */
    private static final class Jetty implements Contestant {

        private final org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient();

        Jetty(Settings s) throws Exception {
            client.setMaxConnectionsPerDestination(s.connectionsPerOrigin());
            client.setMaxRequestsQueuedPerDestination(Math.max(1024, s.concurrency() * 2));
            client.setFollowRedirects(false);
            client.start();
        }

        @Override
        public void get(URI uri, Callback callback) {
            client.newRequest(uri).send(new BufferingResponseListener(MAX_BODY) {
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

    /** Reactor Netty's HttpClient with a connection pool per origin, aggregating each body. */
    private static final class ReactorNetty implements Contestant {

        private final ConnectionProvider provider;
        private final reactor.netty.http.client.HttpClient client;

        ReactorNetty(Settings s) {
            this.provider = ConnectionProvider.builder("bench")
                    .maxConnections(s.connectionsPerOrigin())
                    .pendingAcquireMaxCount(-1)
                    .pendingAcquireTimeout(Duration.ofSeconds(60))
                    .build();
            this.client = reactor.netty.http.client.HttpClient.create(provider);
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
