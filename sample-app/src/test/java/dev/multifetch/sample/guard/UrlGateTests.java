package dev.multifetch.sample.guard;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class UrlGateTests {

    private final UrlGate gate = new UrlGate(new SsrfGuard(false, List.of(), List.of()), 2048, Set.of());

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://127.1/ | ipv4-literal", "http://2130706433/ | ipv4-literal", "http://0x7f000001/ | ipv4-literal",
        "http://0x7f.0.0.1/ | ipv4-literal", "http://0x7f.1/ | ipv4-literal", "http://017700000001/ | ipv4-literal",
        "http://0251.0376.0251.0376/ | ipv4-literal", "http://0177.0.0.1/ | ipv4-literal",
        "http://0127.0.0.1/ | ipv4-literal", "http://127.000.000.001/ | ipv4-literal", "http://0/ | ipv4-literal",
        "http://1.2.3/ | ipv4-literal", "http://1.2.3.256/ | ipv4-literal", "http://example.1/ | ipv4-literal",
        "http://0.0.0.0/ | denied-address", "http://127.0.0.1/ | denied-address", "http://127.0.0.1./ | host",
        "http://169.254.169.254/latest/meta-data/ | denied-address", "http://100.100.100.200/ | denied-address",
        "http://[::1]/ | denied-address", "http://[::]/ | denied-address", "http://[::ffff:127.0.0.1]/ | denied-address",
        "http://[::127.0.0.1]/ | denied-address", "http://[64:ff9b::a9fe:a9fe]/ | denied-address",
        "http://[fd00:ec2::254]/ | denied-address", "http://[fe80::1%25eth0]/ | host",
        "http://localhost/ | denied-host", "http://LOCALHOST./ | denied-host", "http://a.localhost/ | denied-host",
        "http://metadata.google.internal/ | denied-host", "http://instance-data/ | denied-host",
        "http://evil.com@127.0.0.1/ | userinfo", "http://127.0.0.1%2F@evil.com/ | userinfo", "http://user:pw@example.com/ | userinfo",
        "http://example.com%2F10.0.0.1/ | host", "http://127%2E0%2E0%2E1/ | host",
        "http://127.0.0.1#@evil.com/ | denied-address", "HtTp://127.0.0.1:80/ | denied-address",
        "http://127.0.0.1:0080/ | denied-address", "http://example.com:65616/ | port", "http://example.com:0/ | port",
        "file:///etc/passwd | scheme", "jar:file:/x.jar!/ | scheme", "ftp://example.com/ | scheme",
        "gopher://example.com/ | scheme", "dict://example.com/ | scheme", "netdoc:/etc/passwd | scheme",
        "//127.0.0.1/ | scheme", "http:127.0.0.1 | host", "example.com | scheme", "http:// | syntax",
        "http://[]/ | syntax", "http://:123/ | host",
    })
    void refusesEveryBypassForm(String url, String rule) {
        assertThat(this.gate.check(url)).get().extracting(UrlGate.Rejection::rule).isEqualTo(rule);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "http://evil.com\\@127.0.0.1/", "http:/\\127.0.0.1/", "http://a b/", "http://x/\r\nHost: y",
            "http://x/\t", "http://x/\0", "http://\u2460\u2461\u2466.0.0.1/", "http://ex\u00e4mple.com/" })
    void refusesControlsSpacesBackslashesAndNonAscii(String url) {
        assertThat(this.gate.check(url)).get().extracting(UrlGate.Rejection::rule).isEqualTo("characters");
    }

    @Test
    void refusesAUrlLongerThanTheLimit() {
        String url = "http://example.com/" + "a".repeat(2048);
        assertThat(this.gate.check(url)).get().extracting(UrlGate.Rejection::rule).isEqualTo("max-length");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "http://example.com/", "https://example.com:8443/a?b=c#d", "HTTP://EXAMPLE.COM/",
            "http://93.184.215.14/", "http://[2606:4700:4700::1111]/", "http://xn--bcher-kva.example/", "http://a-b.c/" })
    void letsPublicUrlsThrough(String url) {
        assertThat(this.gate.check(url)).isEmpty();
    }

    @Test
    void whenPortsAreRestrictedThenOthersAreRefused() {
        UrlGate restricted = new UrlGate(new SsrfGuard(false, List.of(), List.of()), 2048, Set.of(80, 443));

        assertThat(restricted.check("http://example.com/")).isEmpty();
        assertThat(restricted.check("https://example.com/")).isEmpty();
        assertThat(restricted.check("http://example.com:6379/")).get()
            .satisfies((rejection) -> assertThat(rejection.message()).contains("6379").contains("[80, 443]"));
    }

    @Test
    void whenPrivateNetworksAllowedThenLoopbackAndLocalhostPassButMetadataDoesNot() {
        UrlGate open = new UrlGate(new SsrfGuard(true, List.of(), List.of()), 2048, Set.of());

        assertThat(open.check("http://127.0.0.1:8081/")).isEmpty();
        assertThat(open.check("http://10.1.2.3/")).isEmpty();
        for (String local : List.of("localhost", "LOCALHOST.", "a.localhost", "localhost.localdomain", "ip6-localhost",
                "ip6-loopback")) {
            assertThat(open.check("http://" + local + ":9000/")).as(local).isEmpty();
            assertThat(this.gate.check("http://" + local + ":9000/")).as(local).get()
                .satisfies((rejection) -> assertThat(rejection.message()).contains("the local machine")
                    .contains("multifetch.sample.allow-private-networks"));
        }
        assertThat(open.check("http://169.254.169.254/")).map(UrlGate.Rejection::rule).hasValue("denied-address");
        assertThat(open.check("http://metadata.google.internal/")).map(UrlGate.Rejection::rule).hasValue("denied-host");
        assertThat(open.check("http://127.1/")).map(UrlGate.Rejection::rule).hasValue("ipv4-literal");
    }

    @Test
    void whenHostListsConfiguredThenNamesAreJudgedBeforeAnyLookup() {
        SsrfGuard guard = new SsrfGuard(false, List.of("example.com", "*.example.org"), List.of("bad.example.org"));
        UrlGate listed = new UrlGate(guard, 2048, Set.of());

        assertThat(listed.check("http://example.com/")).isEmpty();
        assertThat(listed.check("http://api.example.org/")).isEmpty();
        Optional<UrlGate.Rejection> denied = listed.check("http://bad.example.org/");
        assertThat(denied).get().satisfies((rejection) -> assertThat(rejection.message()).contains("deny-list"));
        assertThat(listed.check("http://example.net/")).get()
            .satisfies((rejection) -> assertThat(rejection.message()).contains("not on the allow-list"));
    }
}
