package dev.multifetch.autoconfigure.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import dev.multifetch.autoconfigure.observation.MultifetchObservationAutoConfiguration;
import dev.multifetch.autoconfigure.observation.W3cPropagator;
import dev.multifetch.core.testing.ScriptedServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch submitted within a traced call stays that one trace across the fleet: each job record
 * carries the call's {@code traceparent}, the worker's consumption of it continues the trace, the
 * fetch it starts is a child of that, and each result record carries its job's trace headers.
 * {@code multifetch.kafka.observation-enabled=false} breaks the chain at the broker.
 */
@Timeout(120)
class TracedJobsTests {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");

    private static final int JOBS = 4;

    @Test
    void whenABatchIsSubmittedWithinATracedCallThenEveryFetchAndResultContinuesThatTrace() throws Exception {
        SharedKafka.Names names = SharedKafka.names("traced");
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("traced"));
                ConfigurableApplicationContext context = WorkerContexts.start(new Class<?>[] { Traced.class },
                        FleetPolitenessTests.with(names))) {
            SimpleTracer tracer = context.getBean(SimpleTracer.class);
            String callTrace = submitWithinACall(context, server);

            List<ConsumerRecord<byte[], byte[]>> results = WorkerContexts.readAll(names.results(), Duration.ofSeconds(60),
                    (records) -> records.size() >= JOBS);

            assertThat(server.awaitRequests(JOBS)).allSatisfy((request) -> {
                assertThat(request.headers("traceparent")).hasSize(1);
                Matcher sent = TRACEPARENT.matcher(request.headers("traceparent").get(0));
                assertThat(sent.matches()).isTrue();
                assertThat(sent.group(1)).as("the fetch's trace").isEqualTo(callTrace);
            });
            assertThat(results).hasSize(JOBS).allSatisfy((result) -> {
                Header traceparent = result.headers().lastHeader("traceparent");
                assertThat(traceparent).as("the result's trace header").isNotNull();
                Matcher carried = TRACEPARENT.matcher(new String(traceparent.value(), StandardCharsets.UTF_8));
                assertThat(carried.matches()).isTrue();
                assertThat(carried.group(1)).isEqualTo(callTrace);
            });
            // the fetches hang under the worker's receipt of their jobs, in the call's trace
            List<SimpleSpan> fetches = tracer.getSpans().stream().filter((s) -> s.getName().equals("http get")).toList();
            assertThat(fetches).hasSize(JOBS).allSatisfy((fetch) -> {
                assertThat(W3cPropagator.traceId(fetch.getTraceId())).isEqualTo(callTrace);
                SimpleSpan parent = tracer.getSpans().stream()
                    .filter((s) -> s.getSpanId().equals(fetch.getParentId()))
                    .findFirst()
                    .orElseThrow();
                assertThat(parent.getName()).isEqualTo(names.jobs() + " process");
            });
        }
    }

    @Test
    void whenKafkaObservationIsOffThenTheWorkersFetchesStartTracesOfTheirOwn() throws Exception {
        SharedKafka.Names names = SharedKafka.names("untraced");
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("untraced"));
                ConfigurableApplicationContext context = WorkerContexts.start(new Class<?>[] { Traced.class },
                        FleetPolitenessTests.with(names, "multifetch.kafka.observation-enabled=false"))) {
            String callTrace = submitWithinACall(context, server);

            WorkerContexts.readAll(names.results(), Duration.ofSeconds(60), (records) -> records.size() >= JOBS);

            // the worker's fetches are roots of traces of their own (the test tracer gives a root no ids)
            assertThat(server.awaitRequests(JOBS)).allSatisfy((request) -> assertThat(request.headers("traceparent"))
                .singleElement()
                .asString()
                .doesNotContain(callTrace));
        }
    }

    /** Submits the jobs within a traced call, its observation current: the call's trace id, as a traceparent writes it. */
    private static String submitWithinACall(ConfigurableApplicationContext context, ScriptedServer server) throws Exception {
        Observation call = Observation.start("call", context.getBean(ObservationRegistry.class));
        try (Observation.Scope ignored = call.openScope()) {
            context.getBean(JobSubmitter.class).submit(requests(server), Duration.ofSeconds(30));
        }
        call.stop();
        return W3cPropagator.traceId(span(context.getBean(SimpleTracer.class), "call").getTraceId());
    }

    private static List<JsonNode> requests(ScriptedServer server) {
        List<JsonNode> requests = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            requests.add(JsonNodeFactory.instance.objectNode().put("url", "http://traced.test:" + server.port() + "/" + i));
        }
        return requests;
    }

    private static SimpleSpan span(SimpleTracer tracer, String name) {
        return tracer.getSpans().stream().filter((s) -> name.equals(s.getName())).findFirst().orElseThrow();
    }

    /** Observations traced by a {@link SimpleTracer}: W3C propagation out and in, every trace sampled. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(MultifetchObservationAutoConfiguration.class)
    static class Traced {

        @Bean
        SimpleTracer tracer() {
            return new SimpleTracer();
        }

        @Bean
        ObservationRegistry observationRegistry(SimpleTracer tracer) {
            ObservationRegistry registry = ObservationRegistry.create();
            W3cPropagator propagator = new W3cPropagator(tracer);
            registry.observationConfig()
                .observationHandler(new FirstMatchingCompositeObservationHandler(
                        new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                        new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                        new DefaultTracingObservationHandler(tracer)));
            return registry;
        }
    }
}
