package dev.multifetch.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The configuration metadata an IDE shows, as generated from the properties' Javadoc. */
class ConfigurationMetadataTests {

    @Test
    void whenConnectTimeoutDescribedThenTheTlsHandshakeIsPartOfIt() throws IOException {
        String metadata = metadata();
        int property = metadata.indexOf("\"name\": \"multifetch.connect-timeout\"");
        assertThat(property).isNotNegative();
        int end = metadata.indexOf('}', property);
        assertThat(metadata.substring(property, end)).contains("name lookup, TCP connect and, for https, the TLS handshake");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "url                   | CURLOPT_PROXY            | ",
            "no-proxy              | NO_PROXY rules           | ",
            "username              | URL names none           | ",
            "password              | never shown              | ",
            "tunnel                | CONNECT tunnel           | false",
            "use-environment       | http_proxy               | false",
            "use-system-properties | socksProxyHost           | false",
            "ssl.bundle            | verify an https         | " })
    void whenProxyPropertiesDescribedThenEachHasItsDescriptionAndDefault(String name, String described,
            String defaultValue) throws IOException {
        String metadata = metadata();
        int property = metadata.indexOf("\"name\": \"multifetch.proxy." + name + "\"");
        assertThat(property).as(name).isNotNegative();
        String entry = metadata.substring(property, metadata.indexOf('}', property));
        assertThat(entry).contains(described);
        if (defaultValue != null) {
            assertThat(entry).contains("\"defaultValue\": " + defaultValue);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "politeness.min-interval         | Least time between two request starts | ",
            "politeness.rate                 | curl's --rate                         | ",
            "politeness.key                  | registrable domain                    | \"origin\"",
            "politeness.block-on-retry-after | Unset: on when min-interval           | ",
            "politeness.max-block            | Longest a Retry-After may block       | \"10m\"",
            "politeness.hosts                | first whose pattern matches           | ",
            "retry.max-retries               | curl's --retry                        | 0",
            "retry.statuses                  | curl's transient set                  | ",
            "retry.max-retry-after           | longest Retry-After waited for        | \"5m\"",
            "retry.max-retry-time            | curl's --retry-max-time               | ",
            "retry.budget-ratio              | cannot multiply the load              | 0.2",
            "retry.jitter                    | full jitter                           | true" })
    void whenPolitenessAndRetryPropertiesDescribedThenEachHasItsDescriptionAndDefault(String name, String described,
            String defaultValue) throws IOException {
        String entry = entry(metadata(), "multifetch." + name);
        assertThat(entry).contains(described);
        if (defaultValue != null) {
            assertThat(entry).contains("\"defaultValue\": " + defaultValue);
        }
    }

    @Test
    void whenRetryStatusesAndPacingKeysLookedUpThenTheDefaultAndTheValuesAreThere() throws IOException {
        String metadata = metadata();
        assertThat(metadata.replaceAll("\\s", "")).contains("\"name\":\"multifetch.retry.statuses\"")
            .contains("\"defaultValue\":[408,429,500,502,503,504]");
        int hint = metadata.indexOf("\"name\": \"multifetch.politeness.key\"", metadata.indexOf("\"hints\""));
        assertThat(hint).isNotNegative();
        assertThat(metadata.substring(hint, metadata.indexOf(']', hint))).contains("\"origin\"", "\"domain\"", "\"ip\"");
    }

    /** The metadata entry of {@code name}, up to its closing brace. */
    private static String entry(String metadata, String name) {
        int property = metadata.indexOf("\"name\": \"" + name + "\"");
        assertThat(property).as(name).isNotNegative();
        return metadata.substring(property, metadata.indexOf('}', property));
    }

    @Test
    void whenObservationsDescribedThenEnabledByDefaultAndTheBridgesLeftToSpring() throws IOException {
        String metadata = metadata();
        int property = metadata.indexOf("\"name\": \"multifetch.observations.enabled\"");
        assertThat(property).isNotNegative();
        String entry = metadata.substring(property, metadata.indexOf('}', property));
        assertThat(entry).contains("\"defaultValue\": true").contains("http.client.requests").contains("traceparent");
    }

    private static String metadata() throws IOException {
        try (InputStream in = ConfigurationMetadataTests.class
            .getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
