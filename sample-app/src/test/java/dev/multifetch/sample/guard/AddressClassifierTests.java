package dev.multifetch.sample.guard;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class AddressClassifierTests {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED",
        "10.0.0.1, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.254, PRIVATE", "192.168.1.1, PRIVATE",
        "100.64.0.1, CGNAT", "100.100.100.200, CGNAT", "100.127.255.254, CGNAT",
        "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK", "127.255.255.255, LOOPBACK",
        "169.254.169.254, LINK_LOCAL", "169.254.170.2, LINK_LOCAL",
        "192.0.0.1, RESERVED", "192.88.99.1, RESERVED", "240.0.0.1, RESERVED", "255.255.255.255, RESERVED",
        "192.0.2.1, DOCUMENTATION", "198.51.100.1, DOCUMENTATION", "203.0.113.1, DOCUMENTATION",
        "198.18.0.1, BENCHMARKING", "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST",
    })
    void ipv4SpecialRangesAreTheirKind(String address, AddressKind kind) throws Exception {
        assertThat(AddressClassifier.classify(InetAddress.getByName(address)).kind()).isEqualTo(kind);
    }

    @ParameterizedTest(name = "{0} is public")
    @ValueSource(strings = { "8.8.8.8", "1.1.1.1", "100.63.255.254", "100.128.0.1", "172.32.0.1", "11.0.0.1",
            "2606:4700:4700::1111", "2001:4860:4860::8888", "64:ff9b::808:808", "2002:808:808::1" })
    void globallyRoutableAddressesArePublic(String address) throws Exception {
        assertThat(AddressClassifier.classify(InetAddress.getByName(address)).isPublic()).isTrue();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "::, UNSPECIFIED", "::1, LOOPBACK", "0:0:0:0:0:0:0:1, LOOPBACK", "0000::1, LOOPBACK",
        "::ffff:127.0.0.1, LOOPBACK", "::ffff:7f00:1, LOOPBACK", "::FFFF:7F00:1, LOOPBACK", "::ffff:a9fe:a9fe, LINK_LOCAL",
        "::127.0.0.1, IPV4_EMBEDDING", "::8.8.8.8, IPV4_EMBEDDING",
        "64:ff9b::7f00:1, IPV4_EMBEDDING", "64:ff9b::a9fe:a9fe, IPV4_EMBEDDING", "64:ff9b:1::1, RESERVED",
        "2002:7f00:1::, IPV4_EMBEDDING", "2002:a9fe:a9fe::1, IPV4_EMBEDDING",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2, IPV4_EMBEDDING", "2001:0:7f00:1::1, IPV4_EMBEDDING",
        "2001:2::1, RESERVED", "2001:db8::1, DOCUMENTATION", "100::1, RESERVED",
        "fd00:ec2::254, UNIQUE_LOCAL", "fc00::1, UNIQUE_LOCAL", "fe80::1, LINK_LOCAL", "fec0::1, SITE_LOCAL",
        "ff02::1, MULTICAST", "4000::1, RESERVED", "64:ff9c::1, RESERVED",
    })
    void ipv6SpecialRangesAndIpv4EmbeddingsAreTheirKind(String address, AddressKind kind) throws Exception {
        assertThat(AddressClassifier.classify(InetAddress.getByName(address)).kind()).isEqualTo(kind);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "64:ff9b::7f00:1 | NAT64 of 127.0.0.1 (loopback)",
        "2002:a9fe:a9fe::1 | 6to4 of 169.254.169.254 (link-local)",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2 | Teredo (client) of 192.0.2.45 (documentation)",
    })
    void anEmbeddingSaysWhichIpv4ItCarries(String address, String description) throws Exception {
        assertThat(AddressClassifier.classify(InetAddress.getByName(address)).description()).contains(description);
    }
}
