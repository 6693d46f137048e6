package dev.multifetch.sample.guard;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import dev.multifetch.autoconfigure.MultifetchProxyProperties;
import dev.multifetch.core.ConnectPolicy.Verdict;
import dev.multifetch.core.ProxyConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SsrfGuardTests {

    @Test
    void whenDefaultThenOnlyPublicAddressesPass() {
        SsrfGuard guard = new SsrfGuard(false, List.of(), List.of());

        assertThat(check(guard, "example.com", "93.184.215.14", 80).allowed()).isTrue();
        assertThat(check(guard, "example.com", "127.0.0.1", 80).reason()).isEqualTo("127.0.0.1 is loopback");
        assertThat(check(guard, "example.com", "10.0.0.5", 80).reason()).isEqualTo("10.0.0.5 is private");
        assertThat(check(guard, "example.com", "64:ff9b::a9fe:a9fe", 80).reason()).contains("NAT64 of 169.254.169.254");
    }

    @Test
    void whenPrivateNetworksAllowedThenLoopbackPrivateAndUniqueLocalPassButLinkLocalAndCgnatDoNot() {
        SsrfGuard guard = new SsrfGuard(true, List.of(), List.of());

        assertThat(check(guard, "h", "127.0.0.1", 8080).allowed()).isTrue();
        assertThat(check(guard, "h", "192.168.1.10", 8080).allowed()).isTrue();
        assertThat(check(guard, "h", "fd12::1", 8080).allowed()).isTrue();
        assertThat(check(guard, "h", "169.254.169.254", 80).allowed()).isFalse();
        assertThat(check(guard, "h", "100.100.100.200", 80).allowed()).isFalse();
        assertThat(check(guard, "h", "::127.0.0.1", 80).allowed()).isFalse();
    }

    @Test
    void whenPortIsTheAppsOwnThenLocalAddressesAreDeniedEvenWithPrivateNetworksAllowed() {
        SsrfGuard guard = new SsrfGuard(true, List.of("127.0.0.0/8"), List.of());
        guard.addSelfPort(8080);

        assertThat(check(guard, "localhost", "127.0.0.1", 8080).reason()).contains("this sample app itself");
        assertThat(check(guard, "h", "0.0.0.0", 8080).allowed()).isFalse();
        assertThat(check(guard, "h", "127.0.0.1", 8081).allowed()).isTrue();
    }

    @Test
    void whenAllowListHasRangesThenTheyOpenDeniedRangesAndEverythingElseIsDenied() {
        SsrfGuard guard = new SsrfGuard(false, List.of("10.1.0.0/16", "example.com"), List.of());

        assertThat(check(guard, "internal.corp", "10.1.2.3", 80).allowed()).isTrue();
        assertThat(check(guard, "internal.corp", "10.2.0.1", 80).reason()).contains("not on the allow-list");
        assertThat(check(guard, "example.com", "93.184.215.14", 80).allowed()).isTrue();
        assertThat(check(guard, "example.com", "127.0.0.1", 80).reason()).isEqualTo("127.0.0.1 is loopback");
        assertThat(check(guard, "example.net", "93.184.215.15", 80).allowed()).isFalse();
    }

    @Test
    void whenDenyListNamesHostOrRangeThenDeniedWhateverElseSays() {
        SsrfGuard guard = new SsrfGuard(true, List.of("0.0.0.0/0"), List.of("*.internal.example", "203.0.113.0/24"));

        assertThat(check(guard, "db.internal.example", "93.184.215.14", 80).reason()).contains("deny-list: *.internal.example");
        assertThat(check(guard, "x", "203.0.113.9", 80).reason()).contains("deny-list: 203.0.113.0/24");
        assertThat(check(guard, "x", "93.184.215.14", 80).allowed()).isTrue();
    }

    @Test
    void whenAnEntryIsNeitherHostNorRangeThenStartupFailsNamingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SsrfGuard(false, List.of("10.0.0.0/33"), List.of()))
            .withMessageContaining("multifetch.sample.allow").withMessageContaining("10.0.0.0/33");
        assertThatIllegalArgumentException().isThrownBy(() -> new SsrfGuard(false, List.of(), List.of("ex ample")))
            .withMessageContaining("multifetch.sample.deny");
        assertThatIllegalArgumentException().isThrownBy(() -> new SsrfGuard(false, List.of("0177.0.0.1"), List.of()))
            .withMessageContaining("0177.0.0.1");
    }

    @Test
    void whenProxyNamedThenOnlyItIsAllowedAsAProxyThoughItIsLoopback() throws Exception {
        MultifetchProxyProperties properties = new MultifetchProxyProperties();
        properties.setUrl("SOCKS5://svc:s3cret@127.0.0.1:1080");
        ConfiguredProxy configured = ConfiguredProxy.of(properties, false);
        SsrfGuard guard = new SsrfGuard(false, List.of(), List.of(), configured);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1080);

        assertThat(guard.checkProxy(ProxyConfig.parse("socks5://other:pw@127.0.0.1:1080"), loopback).allowed()).isTrue();
        assertThat(guard.checkProxy(ProxyConfig.parse("socks5h://127.0.0.1:1080"), loopback).reason())
            .contains("is not the one named in multifetch.proxy.url (socks5://127.0.0.1:1080)");
        assertThat(new SsrfGuard(false, List.of(), List.of()).checkProxy(configured.proxy(), loopback).allowed()).isFalse();
        assertThat(configured.display()).isEqualTo("socks5://127.0.0.1:1080");
        assertThat(configured.startupMessage()).hasValueSatisfying((line) -> assertThat(line).doesNotContain("s3cret")
            .contains("are refused by the SSRF guard; set multifetch.sample.trusted-proxy=true"));
        assertThat(configured.toString()).doesNotContain("s3cret");
    }

    @Test
    void whenProxyUrlUnsetOrEmptyThenNoneIsNamedAndNothingIsLogged() {
        MultifetchProxyProperties properties = new MultifetchProxyProperties();
        assertThat(ConfiguredProxy.of(properties, true).display()).isNull();
        properties.setUrl("");
        assertThat(ConfiguredProxy.of(properties, true).startupMessage()).isEmpty();
    }

    private static Verdict check(SsrfGuard guard, String host, String ip, int port) {
        try {
            return guard.check(host, new InetSocketAddress(InetAddress.getByName(ip), port));
        } catch (java.net.UnknownHostException ex) {
            throw new IllegalArgumentException(ex);
        }
    }
}
