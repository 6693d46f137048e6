package dev.multifetch.bench;

import dev.multifetch.autoconfigure.observation.ObservingFetchInterceptor;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.HttpVersion;
import dev.multifetch.core.MultiOptions;
import java.net.URI;
import java.time.Duration;

/**
 * multifetch observed as a Spring Boot 4 application with Micrometer, Prometheus and Brave
 * observes it: the starter's {@link ObservingFetchInterceptor} over {@link BootObservations}.
 * "observed" samples as Boot does by default ({@code management.tracing.sampling.probability=0.1}),
 * "traced" samples every fetch. Each request's URI template is its path, so the timer has one
 * series. Cleartext HTTP/1.1 scenarios only.
 */
final class ObservedMultifetch implements Contestant {

    private final BootObservations observations;
    private final FetchEngine engine;

    ObservedMultifetch(Settings s, float sampling) {
        if (s.h2() || s.tls() || s.proxied()) {
            throw new IllegalArgumentException("the observed contestants run the cleartext HTTP/1.1 scenarios only");
        }
        this.observations = new BootObservations(sampling);
        MultiOptions options = MultiOptions.builder()
                .maxHostConnections(s.perHost())
                .maxTotalConnections(0)
                .maxConnects(s.connectionsTotal())
                .httpVersion(HttpVersion.HTTP_1_1)
                .build();
        this.engine = FetchEngine.builder().options(options)
                .interceptor(new ObservingFetchInterceptor(observations.registry())).build();
    }

    @Override
    public void get(URI uri, Callback callback) {
        engine.fetch(FetchRequest.builder(uri.toString()).uriTemplate(uri.getPath()).build())
                .whenComplete((FetchResponse r, Throwable failure) -> {
                    if (failure != null) {
                        callback.done(0, 0, failure);
                    } else {
                        callback.done(r.status(), r.body().length, null);
                    }
                });
    }

    @Override
    public void close() {
        engine.close(Duration.ofSeconds(2));
        if (observations.spans() == 0) {
            System.err.println("observed contestant: no span was sampled; the tracer saw nothing");
        }
        observations.close();
    }
}
