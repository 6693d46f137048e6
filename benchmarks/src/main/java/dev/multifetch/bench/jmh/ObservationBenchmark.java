package dev.multifetch.bench.jmh;

import dev.multifetch.autoconfigure.observation.ObservingFetchInterceptor;
import dev.multifetch.bench.BootObservations;
import dev.multifetch.core.FetchInterceptor.Interception;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Headers;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.transport.RequestReplySenderContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What observing one fetch costs, without the network, in an {@link io.micrometer.observation.ObservationRegistry}
 * as Spring Boot 4 has it with Prometheus and Brave ({@code BootObservations}):
 * {@link #fetch} is the starter's interceptor over one fetch of one attempt (intercept, the
 * headers, the attempt's start and end, completion), {@link #floor} the least an
 * {@code http.client.requests} observation costs in the same registry: a sender context whose
 * propagation writes {@code traceparent}, Spring's six low-cardinality keys and the URL, started
 * and stopped, as Spring's own RestClient observation does; each with Boot's long task timers and
 * without them ({@code management.observations.long-task-timer.enabled=false}). {@code -prof gc}
 * gives bytes per fetch.
 *
 * <pre>java -cp ... org.openjdk.jmh.Main ObservationBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ObservationBenchmark {

    private static final String URL = "http://127.0.0.1:28080/1k";

    /** The share of traces sampled: Boot's default 0.1, or all. */
    @Param({"0.1", "1"})
    public float sampling;

    /** Whether the meter handler keeps a long task timer per observation (Boot's default) or not. */
    @Param({"true", "false"})
    public boolean longTaskTimers;

    private BootObservations observations;
    private ObservingFetchInterceptor interceptor;
    private FetchRequest request;
    private FetchResponse response;

    @Setup
    public void setUp() {
        observations = new BootObservations(sampling, longTaskTimers);
        interceptor = new ObservingFetchInterceptor(observations.registry());
        request = FetchRequest.builder(URL).uriTemplate("/1k").build();
        response = new FetchResponse(200, "OK", "HTTP/1.1", Headers.EMPTY, new byte[0], URL, null, 0);
    }

    @TearDown
    public void tearDown() {
        if (observations.meters() > 8) {
            throw new IllegalStateException("meters grew: " + observations.meters());
        }
        observations.close();
    }

    @Benchmark
    public Map<String, String> fetch() {
        Interception interception = interceptor.intercept(request);
        Map<String, String> headers = interception.headers();
        interception.attemptStarted(1, URL);
        interception.attemptEnded(1, 200, null);
        interception.completed(response, null);
        return headers;
    }

    @Benchmark
    public Map<String, String> floor() {
        RequestReplySenderContext<Map<String, String>, Object> context =
                new RequestReplySenderContext<>((carrier, key, value) -> carrier.put(key, value));
        context.setCarrier(new HashMap<>(4));
        Observation observation = Observation.createNotStarted("http.client.requests", () -> context,
                        observations.registry())
                .contextualName("http get")
                .lowCardinalityKeyValues(KeyValues.of("method", "GET", "uri", "/1k", "client.name", "127.0.0.1",
                        "exception", "none"))
                .highCardinalityKeyValue("http.url", URL)
                .start();
        observation.lowCardinalityKeyValues(KeyValues.of("status", "200", "outcome", "SUCCESS"));
        observation.stop();
        return context.getCarrier();
    }
}
