package dev.multifetch.sample.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Strict parsing of IP literals, with no name lookup ever: IPv4 only as four decimal octets
 * without leading zeros, because {@code 0177.0.0.1}, {@code 127.1}, {@code 0x7f.1} and
 * {@code 2130706433} mean different addresses to different parsers (Java, glibc, browsers).
 */
final class IpLiterals {

    private IpLiterals() {
    }

    /**
     * Whether a host would be taken as an IPv4 address by some parser: its last label is a decimal
     * or {@code 0x} hex number (the WHATWG URL rule). Such a host must be {@link #canonicalIpv4}.
     */
    static boolean looksLikeIpv4(String host) {
        String last = host.substring(host.lastIndexOf('.') + 1);
        if (last.isEmpty()) {
            return false;
        }
        if (last.startsWith("0x")) {
            return last.substring(2).chars().allMatch((c) -> Character.digit(c, 16) >= 0);
        }
        return last.chars().allMatch((c) -> c >= '0' && c <= '9');
    }

    /** The address of {@code a.b.c.d} written as four decimal octets 0-255 without leading zeros. */
    static Optional<InetAddress> canonicalIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] octets = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            boolean digits = !part.isEmpty() && part.length() <= 3 && part.chars().allMatch((c) -> c >= '0' && c <= '9');
            if (!digits || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                return Optional.empty();
            }
            octets[i] = (byte) Integer.parseInt(part);
        }
        return Optional.of(byAddress(octets));
    }

    /** The address of an IPv6 literal without brackets or zone, such as {@code fd00::1}. */
    static Optional<InetAddress> ipv6(String text) {
        if (text.indexOf(':') < 0 || text.indexOf('%') >= 0
                || !text.chars().allMatch((c) -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return Optional.empty();
        }
        try {
            // a colon makes this a literal for the JDK: it never asks a resolver
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException notALiteral) {
            return Optional.empty();
        }
    }

    /** The address of a canonical IPv4 literal or an IPv6 literal (brackets allowed); never a lookup. */
    static Optional<InetAddress> parse(String text) {
        if (text.startsWith("[") && text.endsWith("]")) {
            return ipv6(text.substring(1, text.length() - 1));
        }
        return (text.indexOf(':') >= 0) ? ipv6(text) : canonicalIpv4(text);
    }

    static InetAddress byAddress(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException impossible) {
            throw new IllegalArgumentException("not 4 or 16 bytes: " + octets.length, impossible);
        }
    }
}
