package dev.multifetch.autoconfigure.kafka;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobRoutingTests {

    private final JobRouting byHost = new JobRouting(MultifetchKafkaProperties.KeyBy.HOST);

    @ParameterizedTest
    @CsvSource({
            "http://EXAMPLE.com/a,               example.com",
            "https://example.com:443/b?q=1,      example.com",
            "http://user@Example.COM:8080/,      example.com",
            "http://example.com./,               example.com",
            "https://bücher.example/,            xn--bcher-kva.example",
            "https://BÜCHER.example:8443/x,      xn--bcher-kva.example",
            "http://[2001:DB8::1]:8080/,         2001:db8::1",
            "http://192.0.2.7/,                  192.0.2.7",
            "not a url,                          -",
            "mailto:someone@example.com,         -" })
    void whenUrlsNameOneHostThenTheyShareItsKey(String url, String key) {
        assertThat(this.byHost.key(url)).isEqualTo(key);
    }

    @Test
    void whenKeyedByDomainThenEveryHostOfASiteSharesTheKey() {
        JobRouting byDomain = new JobRouting(MultifetchKafkaProperties.KeyBy.DOMAIN);
        assertThat(byDomain.key("https://www.example.co.uk/")).isEqualTo("example.co.uk");
        assertThat(byDomain.key("https://api.EXAMPLE.co.uk:8443/")).isEqualTo("example.co.uk");
    }

    @Test
    void whenPartitionedThenTheChoiceIsKafkasDefaultPartitionersForTheKey() {
        // murmur2("example.com") as org.apache.kafka.clients.producer.internals.BuiltInPartitioner computes it
        int expected = org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2("example.com".getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 24;
        assertThat(JobRouting.partition("example.com", 24)).isEqualTo(expected);
    }
}
