package dev.multifetch.autoconfigure.observation;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The key values read from a URL and a URI template by hand, as Spring and {@link URI} read them. */
class ClientKeyValuesTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "http://example.com/a               | example.com",
            "https://Example.COM                | Example.COM",
            "http://user:p@ss@example.com:8080/ | example.com",
            "http://[::1]:8080/x                | [::1]",
            "http://example.com?q=a@b           | example.com",
            "http://127.0.0.1:9/a@b             | 127.0.0.1",
            "http:///path                       | null",
            "not a url                          | null" })
    void whenHostReadThenAsUriReadsIt(String url, String host) {
        assertThat(ClientKeyValues.host(url)).isEqualTo(host);
        if (host != null && !url.contains("p@ss")) {
            assertThat(URI.create(url).getHost()).isEqualTo(host);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "null                               | none",
            "/items/{id}                        | /items/{id}",
            "items/{id}                         | /items/{id}",
            "https://api.example.com/items/{id} | /items/{id}",
            "http://api.example.com             | /" })
    void whenUriTemplateGivenThenItsPathIsTheUriKey(String template, String uri) {
        assertThat(ClientKeyValues.uri(template).getValue()).isEqualTo(uri);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://user:secret@example.com:8080/a@b?c=@ | http://example.com:8080/a@b?c=@",
            "http://example.com/a@b                      | http://example.com/a@b",
            "https://u@example.com                       | https://example.com" })
    void whenUrlHasUserInformationThenTheSpanNeverCarriesIt(String url, String shown) {
        assertThat(ClientKeyValues.withoutUserInfo(url)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0   | CLIENT_ERROR | UNKNOWN",
            "99  | 99           | UNKNOWN",
            "100 | 100          | INFORMATIONAL",
            "204 | 204          | SUCCESS",
            "308 | 308          | REDIRECTION",
            "429 | 429          | CLIENT_ERROR",
            "599 | 599          | SERVER_ERROR",
            "600 | 600          | UNKNOWN",
            "999 | 999          | UNKNOWN" })
    void whenStatusGivenThenItsTextAndOutcomeAreSpringsWhetherMadeOnceOrPerCall(int status, String text, String outcome) {
        assertThat(ClientKeyValues.status(status).getValue()).isEqualTo(text);
        assertThat(ClientKeyValues.outcome(status).getValue()).isEqualTo(outcome);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "GET      | GET      | http get",
            "OPTIONS  | OPTIONS  | http options",
            "PROPFIND | PROPFIND | http propfind",
            "get      | get      | http get",
            "null     | none     | http none" })
    void whenMethodGivenThenItsKeyAndContextualNameAreSpringsWhetherMadeOnceOrPerCall(String method, String key,
            String name) {
        assertThat(ClientKeyValues.method(method).getValue()).isEqualTo(key);
        assertThat(ClientKeyValues.contextualName(method)).isEqualTo(name);
    }
}
