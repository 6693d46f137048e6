package dev.multifetch.bench;

import java.net.URI;
import java.time.Duration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The peer for the cost of observation: Spring's {@link WebClient} over Reactor Netty, as a Boot
 * application's {@code WebClient.Builder} makes it, without ("webclient") and with ("webclient-observed")
 * Spring's own {@code http.client.requests} observation in {@link BootObservations} (Boot's default
 * sampling, 0.1). Each request is made from a URI template ({@code {path}}), as an application's
 * would be, so the timer has one series. Cleartext HTTP/1.1 scenarios only.
 */
final class SpringWebClient implements Contestant {

    private final ConnectionProvider provider;
    private final BootObservations observations;
    private final WebClient client;

    SpringWebClient(Settings s, boolean observed) {
        if (s.h2() || s.tls() || s.proxied()) {
            throw new IllegalArgumentException("the WebClient contestants run the cleartext HTTP/1.1 scenarios only");
        }
        this.provider = ConnectionProvider.builder("bench")
                .maxConnections(s.connectionsPerOrigin())
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofSeconds(60))
                .build();
        WebClient.Builder builder = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(provider)))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024));
        this.observations = observed ? new BootObservations(0.1f) : null;
        if (observed) {
            builder.observationRegistry(observations.registry());
        }
        this.client = builder.build();
    }

    @Override
    public void get(URI uri, Callback callback) {
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        client.get().uri(origin + "/{path}", uri.getPath().substring(1))
                .exchangeToMono(response -> response.bodyToMono(byte[].class)
                        .map(bytes -> new long[] {response.statusCode().value(), bytes.length})
                        .defaultIfEmpty(new long[] {response.statusCode().value(), 0}))
                .subscribe(r -> callback.done((int) r[0], r[1], null), failure -> callback.done(0, 0, failure));
    }

    @Override
    public void close() {
        provider.disposeLater().block(Duration.ofSeconds(5));
        HttpResources.disposeLoopsAndConnectionsLater().block(Duration.ofSeconds(5));
        if (observations != null) {
            observations.close();
        }
    }
}
