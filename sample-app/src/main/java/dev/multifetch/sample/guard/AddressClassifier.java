package dev.multifetch.sample.guard;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Sorts an IP address into an {@link AddressKind}: the special-purpose ranges of IPv4 and IPv6,
 * and IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo), which are
 * judged by the IPv4 address they carry. Pure and thread-safe.
 */
public final class AddressClassifier {

    /** The kind of an address, and what it is in words for messages. */
    public record Classification(AddressKind kind, String description) {

        /** Whether the address is globally routable. */
        public boolean isPublic() {
            return this.kind == AddressKind.PUBLIC;
        }
    }

    private static final List<Map.Entry<Cidr, AddressKind>> IPV4 = List.of(
            range("0.0.0.0/8", AddressKind.UNSPECIFIED),
            range("10.0.0.0/8", AddressKind.PRIVATE),
            range("100.64.0.0/10", AddressKind.CGNAT),
            range("127.0.0.0/8", AddressKind.LOOPBACK),
            range("169.254.0.0/16", AddressKind.LINK_LOCAL),
            range("172.16.0.0/12", AddressKind.PRIVATE),
            range("192.0.0.0/24", AddressKind.RESERVED),
            range("192.0.2.0/24", AddressKind.DOCUMENTATION),
            range("192.88.99.0/24", AddressKind.RESERVED),
            range("192.168.0.0/16", AddressKind.PRIVATE),
            range("198.18.0.0/15", AddressKind.BENCHMARKING),
            range("198.51.100.0/24", AddressKind.DOCUMENTATION),
            range("203.0.113.0/24", AddressKind.DOCUMENTATION),
            range("224.0.0.0/4", AddressKind.MULTICAST),
            range("240.0.0.0/4", AddressKind.RESERVED));

    /** Checked after the IPv4-carrying forms; first match wins. */
    private static final List<Map.Entry<Cidr, AddressKind>> IPV6 = List.of(
            range("::/128", AddressKind.UNSPECIFIED),
            range("::1/128", AddressKind.LOOPBACK),
            range("64:ff9b:1::/48", AddressKind.RESERVED),
            range("100::/64", AddressKind.RESERVED),
            range("2001:db8::/32", AddressKind.DOCUMENTATION),
            range("2001::/23", AddressKind.RESERVED),
            range("fc00::/7", AddressKind.UNIQUE_LOCAL),
            range("fe80::/10", AddressKind.LINK_LOCAL),
            range("fec0::/10", AddressKind.SITE_LOCAL),
            range("ff00::/8", AddressKind.MULTICAST));

    private static final Cidr GLOBAL_UNICAST_V6 = Cidr.parse("2000::/3");
    private static final Cidr COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    private static final Cidr TEREDO = Cidr.parse("2001::/32");

    private AddressClassifier() {
    }

    /** The kind of {@code address}. */
    public static Classification classify(InetAddress address) {
        if (address instanceof Inet4Address) {
            AddressKind kind = ipv4Kind(address);
            return new Classification(kind, address.getHostAddress() + " is " + kind.label());
        }
        Classification embedded = embeddedIpv4(address);
        if (embedded != null) {
            return embedded;
        }
        String text = address.getHostAddress();
        for (Map.Entry<Cidr, AddressKind> range : IPV6) {
            if (range.getKey().contains(address)) {
                return new Classification(range.getValue(), text + " is " + range.getValue().label() + " (" + range.getKey() + ")");
            }
        }
        if (!GLOBAL_UNICAST_V6.contains(address)) {
            return new Classification(AddressKind.RESERVED, text + " is not global unicast (outside 2000::/3)");
        }
        return new Classification(AddressKind.PUBLIC, text + " is public");
    }

    private static AddressKind ipv4Kind(InetAddress address) {
        for (Map.Entry<Cidr, AddressKind> range : IPV4) {
            if (range.getKey().contains(address)) {
                return range.getValue();
            }
        }
        return AddressKind.PUBLIC;
    }

    /** The classification of an IPv6 form that carries an IPv4 address, or {@code null} for other addresses. */
    private static Classification embeddedIpv4(InetAddress address) {
        byte[] b = address.getAddress();
        if (isMapped(b)) {
            InetAddress v4 = ipv4(b, 12);
            AddressKind kind = ipv4Kind(v4);
            return new Classification(kind, "IPv4-mapped " + v4.getHostAddress() + " is " + kind.label());
        }
        if (COMPATIBLE.contains(address) && !isZeroOrOne(b)) {
            // deprecated (RFC 4291) and read as public by the JDK: never a legitimate target
            return new Classification(AddressKind.IPV4_EMBEDDING,
                    address.getHostAddress() + " is IPv4-compatible (::" + ipv4(b, 12).getHostAddress() + ")");
        }
        if (NAT64.contains(address)) {
            return carrying(address, "NAT64", ipv4(b, 12));
        }
        if (SIX_TO_FOUR.contains(address)) {
            return carrying(address, "6to4", ipv4(b, 2));
        }
        if (TEREDO.contains(address)) {
            byte[] client = Arrays.copyOfRange(b, 12, 16);
            for (int i = 0; i < client.length; i++) {
                client[i] = (byte) ~client[i];
            }
            Classification server = carrying(address, "Teredo (server)", ipv4(b, 4));
            return server.isPublic() ? carrying(address, "Teredo (client)", IpLiterals.byAddress(client)) : server;
        }
        return null;
    }

    private static Classification carrying(InetAddress address, String form, InetAddress v4) {
        AddressKind kind = ipv4Kind(v4);
        if (kind == AddressKind.PUBLIC) {
            return new Classification(AddressKind.PUBLIC, address.getHostAddress() + " is " + form + " of public " + v4.getHostAddress());
        }
        return new Classification(AddressKind.IPV4_EMBEDDING,
                address.getHostAddress() + " is " + form + " of " + v4.getHostAddress() + " (" + kind.label() + ")");
    }

    /**
     * Whether {@code b} is ::ffff:0:0/96. The JDK turns such addresses into {@link Inet4Address}
     * when it parses them, but an {@code Inet6Address} can still be built with these bytes.
     */
    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static boolean isZeroOrOne(byte[] b) {
        for (int i = 0; i < 15; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[15] == 0 || b[15] == 1;
    }

    private static InetAddress ipv4(byte[] bytes, int from) {
        return IpLiterals.byAddress(Arrays.copyOfRange(bytes, from, from + 4));
    }

    private static Map.Entry<Cidr, AddressKind> range(String cidr, AddressKind kind) {
        return Map.entry(Cidr.parse(cidr), kind);
    }
}
