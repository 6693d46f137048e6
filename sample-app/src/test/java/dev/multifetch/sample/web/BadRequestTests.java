package dev.multifetch.sample.web;

import java.net.http.HttpResponse;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.multifetch.sample.LocalAppTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Every invalid request is a 400 application/problem+json naming the field and the rule; nothing is fetched. */
@Timeout(60)
class BadRequestTests extends LocalAppTests {

    @ParameterizedTest(name = "{0} -> {1} [{2}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{                                                              | (body)           | json",
        "[1]                                                            | (body)           | type",
        "{}                                                             | url              | required",
        "{\"url\": \"\"}                                                | url              | required",
        "{\"url\": \"example.com\"}                                     | url              | scheme",
        "{\"url\": \"ftp://example.com/\"}                              | url              | scheme",
        "{\"url\": \"http://a b/\"}                                     | url              | characters",
        "{\"url\": \"http://user:pw@example.com/\"}                     | url              | userinfo",
        "{\"url\": \"http://example.com:0/\"}                           | url              | port",
        "{\"url\": \"http://example.com:65616/\"}                       | url              | port",
        "{\"url\": \"http://2130706433/\"}                              | url              | ipv4-literal",
        "{\"url\": \"http://169.254.169.254/latest/meta-data/\"}        | url              | denied-address",
        "{\"url\": \"http://metadata.google.internal/\"}                | url              | denied-host",
        "{\"url\": \"http://x/\", \"method\": \"TRACE\"}                | method           | method",
        "{\"url\": \"http://x/\", \"headers\": {\"Host\": \"evil\"}}    | headers.Host     | engine-header",
        "{\"url\": \"http://x/\", \"headers\": {\"Bad Name\": \"v\"}}   | headers.Bad Name | header-name",
        "{\"url\": \"http://x/\", \"headers\": {\"X-A\": \"a\\r\\nB: c\"}} | headers.X-A   | header-value",
        "{\"url\": \"http://x/\", \"headers\": \"x\"}                   | headers          | type",
        "{\"url\": \"http://x/\", \"timeoutMs\": 0}                     | timeoutMs        | range",
        "{\"url\": \"http://x/\", \"timeoutMs\": 30001}                 | timeoutMs        | range",
        "{\"url\": \"http://x/\", \"timeoutMs\": \"soon\"}              | timeoutMs        | type",
        "{\"url\": \"http://x/\", \"connectTimeoutMs\": -1}             | connectTimeoutMs | range",
        "{\"url\": \"http://x/\", \"maxBodyBytes\": -1}                 | maxBodyBytes     | range",
        "{\"url\": \"http://x/\", \"maxBodyBytes\": 999999999999}       | maxBodyBytes     | range",
        "{\"url\": \"http://x/\", \"maxRedirects\": 3}                  | maxRedirects     | requires",
        "{\"url\": \"http://x/\", \"followRedirects\": true, \"maxRedirects\": 6} | maxRedirects | range",
        "{\"url\": \"http://x/\", \"followRedirects\": \"yes\"}         | followRedirects  | type",
        "{\"url\": \"http://x/\", \"lowSpeedTimeMs\": 1000}             | lowSpeedTimeMs   | requires",
        "{\"url\": \"http://x/\", \"lowSpeedLimit\": -5}                | lowSpeedLimit    | range",
        "{\"url\": \"http://x/\", \"acceptEncoding\": [\"gzip\", \"br\"]} | acceptEncoding[1] | coding",
        "{\"url\": \"http://x/\", \"timeout\": 5}                       | timeout          | unknown-field",
        "{\"url\": \"http://x/\", \"httpVersion\": \"http3\"}         | httpVersion      | http-version",
        "{\"url\": \"http://x/\", \"httpVersion\": \"HTTP/2\"}        | httpVersion      | http-version",
        "{\"url\": \"http://x/\", \"httpVersion\": \"\"}              | httpVersion      | http-version",
        "{\"url\": \"http://x/\", \"retries\": -1}                     | retries          | range",
        "{\"url\": \"http://x/\", \"retries\": 6}                      | retries          | range",
        "{\"url\": \"http://x/\", \"retries\": \"twice\"}              | retries          | type",
    })
    void fetchRefusesInvalidRequests(String json, String field, String rule) {
        assertProblem(this.client.post("/api/fetch", json), field, rule);
    }

    @ParameterizedTest(name = "{0} -> {1} [{2}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{}                                                                  | requests             | required",
        "{\"requests\": []}                                                  | requests             | required",
        "{\"requests\": [{\"url\": \"http://x/\"}], \"concurrency\": 0}      | concurrency          | range",
        "{\"requests\": [{\"url\": \"http://x/\"}], \"concurrency\": 9}      | concurrency          | range",
        "{\"requests\": [{\"url\": \"http://x/\"}, {\"url\": \"gopher://x/\"}]} | requests[1].url   | scheme",
        "{\"requests\": [null]}                                              | requests[0]          | required",
        "{\"requests\": [{\"url\": \"http://x/\", \"timeoutMs\": \"x\"}]}    | requests[0].timeoutMs | type",
        "{\"requests\": [{\"url\": \"http://x/\", \"tmeoutMs\": 1}]}         | requests[0].tmeoutMs | unknown-field",
        "{\"requests\": {\"url\": \"http://x/\"}}                            | requests             | type",
        "{\"requests\": [{\"url\": \"http://x/\", \"httpVersion\": \"h2\"}]} | requests[0].httpVersion | http-version",
        "{\"requests\": [{\"url\": \"http://metadata.google.internal/\", \"timeoutMs\": 0}]} | requests[0].url | denied-host",
        "{\"requests\": [{\"url\": \"http://x/\", \"expectContinue\": true}]} | requests[0].expectContinue | requires",
        "{\"requests\": [{\"url\": \"http://x/\"}], \"minIntervalMs\": -1}   | minIntervalMs     | range",
        "{\"requests\": [{\"url\": \"http://x/\"}], \"minIntervalMs\": 5001} | minIntervalMs     | range",
        "{\"requests\": [{\"url\": \"http://x/\", \"retries\": 9}]}    | requests[0].retries  | range",
    })
    void batchRefusesInvalidRequests(String json, String field, String rule) {
        assertProblem(this.client.post("/api/batch", json), field, rule);
    }

    @Test
    void batchRefusesMoreRequestsThanTheLimit() {
        String requests = IntStream.range(0, 21).mapToObj((i) -> "{\"url\": \"http://x/" + i + "\"}")
            .collect(Collectors.joining(",", "[", "]"));

        JsonNode problem = assertProblem(this.client.post("/api/batch", "{\"requests\": " + requests + "}"), "requests", "max-size");
        assertThat(problem.get("detail").asString()).contains("21").contains("20");
    }

    @Test
    void anUnknownHttpVersionIsNamedWithTheValidOnes() {
        HttpResponse<String> response = this.client.post("/api/fetch", "{\"url\": \"http://x/\", \"httpVersion\": \"http3\"}");

        JsonNode problem = assertProblem(response, "httpVersion", "http-version");
        assertThat(problem.get("detail").asString())
            .isEqualTo("httpVersion: \"http3\" is not one of http1.1, http2, http2-prior-knowledge");
    }

    @Test
    void batchListsEveryBrokenRuleAndProblemWinsOverAnNdjsonAccept() {
        HttpResponse<String> response = this.client.post("/api/batch",
                "{\"requests\": [{\"url\": \"ftp://x/\"}, {\"url\": \"http://x/\", \"timeoutMs\": 0}]}",
                "Accept", "application/x-ndjson");

        JsonNode problem = assertProblem(response, "requests[0].url", "scheme");
        assertThat(problem.get("errors")).extracting((error) -> error.get("field").asString())
            .containsExactly("requests[0].url", "requests[1].timeoutMs");
        assertThat(problem.get("detail").asString()).endsWith("(and 1 more)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/api/fetch                              | required",
        "/api/fetch?url=                          | required",
        "/api/fetch?url=%20                       | required",
        "/api/fetch?url=file:///etc/passwd        | scheme",
        "/api/fetch?url=http://0177.0.0.1/        | ipv4-literal",
    })
    void shortFormRefusesAMissingOrInvalidUrl(String pathAndQuery, String rule) {
        assertProblem(this.client.get(pathAndQuery), "url", rule);
    }

    @Test
    void aNonNumericTransferIdIsABadRequest() {
        HttpResponse<String> response = this.client.delete("/api/transfers/abc");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void aRequestBodyOverTheSizeLimitIsRefusedWith413() {
        String json = "{\"url\": \"http://x/\", \"body\": \"" + "a".repeat(300 * 1024) + "\"}";

        HttpResponse<String> response = this.client.post("/api/fetch", json);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("max-request-size");
    }

    @Test
    void aRequestBodyOverTheBodyLimitIsABadRequest() {
        String json = "{\"url\": \"http://x/\", \"method\": \"POST\", \"body\": \"" + "a".repeat(65 * 1024) + "\"}";

        assertProblem(this.client.post("/api/fetch", json), "body", "max-size");
    }

    private JsonNode assertProblem(HttpResponse<String> response, String field, String rule) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = this.client.json(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("detail").asString()).startsWith(field + ": ");
        assertThat(problem.get("errors")).anySatisfy((error) -> {
            assertThat(error.get("field").asString()).isEqualTo(field);
            assertThat(error.get("rule").asString()).isEqualTo(rule);
            assertThat(error.get("message").asString()).isNotBlank();
        });
        return problem;
    }
}
