package dev.multifetch.sample.web;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.LocalAppTests;
import dev.multifetch.sample.fetch.FetchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app traced end to end (Brave, W3C propagation, nothing exported): an API call's trace,
 * continued from its inbound {@code traceparent}, goes on into every URL it fetches, and each
 * result carries its trace id.
 */
@Timeout(60)
class TracingApiTests extends LocalAppTests {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static final String INBOUND = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");

    /** The one traceparent {@code request} carried, as trace id and span id. */
    private static List<String> traceparent(ScriptedServer.RecordedRequest request) {
        List<String> sent = request.headers("traceparent");
        assertThat(sent).as("traceparent fields").hasSize(1);
        Matcher matcher = TRACEPARENT.matcher(sent.get(0));
        assertThat(matcher.matches()).as(sent.get(0)).isTrue();
        return List.of(matcher.group(1), matcher.group(2));
    }

    @Test
    void whenTheCallCarriesATraceparentThenTheTargetGetsThatTraceAndTheResultNamesIt() {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("traced"))) {
            HttpResponse<String> response = this.client.post("/api/fetch",
                    "{\"url\": " + this.client.quote(target.url("/traced")) + "}", "traceparent", INBOUND);

            FetchResult result = this.jsonMapper.readValue(response.body(), FetchResult.class);
            assertThat(result.status()).isEqualTo(200);
            assertThat(result.traceId()).isEqualTo(TRACE_ID);
            List<String> sent = traceparent(target.requests().get(0));
            assertThat(sent.get(0)).isEqualTo(TRACE_ID);
            assertThat(sent.get(1)).as("the fetch's own span").isNotEqualTo("00f067aa0ba902b7");
        }
    }

    @Test
    void whenABatchRunsOneAtATimeThenEveryFetchContinuesTheCallsTrace() {
        try (ScriptedServer first = new ScriptedServer().defaultScript(ScriptedServer.ok("one"));
             ScriptedServer second = new ScriptedServer().defaultScript(ScriptedServer.ok("two"))) {
            HttpResponse<String> response = this.client.post("/api/batch", """
                    {"requests": [{"url": %s}, {"url": %s}], "concurrency": 1}"""
                .formatted(this.client.quote(first.url("/1")), this.client.quote(second.url("/2"))),
                    "Accept", "application/json", "traceparent", INBOUND);

            FetchResult[] results = this.jsonMapper.readValue(response.body(), FetchResult[].class);
            assertThat(results).extracting(FetchResult::traceId).containsExactly(TRACE_ID, TRACE_ID);
            List<String> one = traceparent(first.requests().get(0));
            List<String> two = traceparent(second.requests().get(0));
            assertThat(List.of(one.get(0), two.get(0))).containsOnly(TRACE_ID);
            assertThat(one.get(1)).isNotEqualTo(two.get(1));
        }
    }

    @Test
    void whenTheCallCarriesNoTraceparentThenItsOwnTraceGoesOnToTheTarget() {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("new trace"))) {
            FetchResult result = this.client.fetch("{\"url\": " + this.client.quote(target.url("/new")) + "}");

            assertThat(result.traceId()).matches("[0-9a-f]{32}").isNotEqualTo(TRACE_ID);
            assertThat(traceparent(target.requests().get(0)).get(0)).isEqualTo(result.traceId());
        }
    }
}
