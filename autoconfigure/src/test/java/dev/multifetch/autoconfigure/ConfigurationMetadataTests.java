package dev.multifetch.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

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

    private static String metadata() throws IOException {
        try (InputStream in = ConfigurationMetadataTests.class
            .getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
