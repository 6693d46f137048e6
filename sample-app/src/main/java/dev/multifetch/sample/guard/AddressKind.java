package dev.multifetch.sample.guard;

/**
 * What an IP address is for, after the IANA IPv4 and IPv6 special-purpose address registries.
 * Only {@link #PUBLIC} addresses are fetched by default; {@code multifetch.sample.allow-private-networks}
 * opens the kinds that say {@link #privateNetwork()}.
 */
public enum AddressKind {

    /** Globally routable unicast. */
    PUBLIC("public", false),
    /** 127.0.0.0/8, ::1. */
    LOOPBACK("loopback", true),
    /** RFC 1918: 10/8, 172.16/12, 192.168/16. */
    PRIVATE("private", true),
    /** fc00::/7, AWS's IPv6 metadata address fd00:ec2::254 among them. */
    UNIQUE_LOCAL("unique-local", true),
    /** fec0::/10, deprecated. */
    SITE_LOCAL("site-local", true),
    /** 169.254.0.0/16 (cloud metadata 169.254.169.254), fe80::/10. */
    LINK_LOCAL("link-local", false),
    /** 100.64.0.0/10, RFC 6598 (Alibaba Cloud's metadata 100.100.100.200 among them). */
    CGNAT("carrier-grade NAT", false),
    /** 224.0.0.0/4, ff00::/8. */
    MULTICAST("multicast", false),
    /** 0.0.0.0/8, :: (Linux connects 0.0.0.0 to the local machine). */
    UNSPECIFIED("unspecified", false),
    /** 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32. */
    DOCUMENTATION("documentation", false),
    /** 198.18.0.0/15. */
    BENCHMARKING("benchmarking", false),
    /** An IPv6 form carrying an IPv4 address that is not public (compatible, NAT64, 6to4, Teredo). */
    IPV4_EMBEDDING("IPv4-embedding", false),
    /** Everything else that is not global unicast: 240.0.0.0/4 and broadcast, 192.0.0.0/24, 100::/64, ... */
    RESERVED("reserved", false);

    private final String label;
    private final boolean privateNetwork;

    AddressKind(String label, boolean privateNetwork) {
        this.label = label;
        this.privateNetwork = privateNetwork;
    }

    /** The name used in messages, such as {@code loopback}. */
    public String label() {
        return this.label;
    }

    /** Whether {@code allow-private-networks=true} opens this kind. */
    public boolean privateNetwork() {
        return this.privateNetwork;
    }
}
