package dev.multifetch.sample.guard;

import java.net.InetAddress;

/**
 * An IPv4 or IPv6 address range such as {@code 10.0.0.0/8} or {@code fc00::/7}; a bare address is
 * a range of one. Parsed strictly, without name lookups. An IPv4 range never contains an IPv6
 * address: embedded IPv4 forms are judged by {@link AddressClassifier}.
 */
final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * The range {@code text} names.
     *
     * @throws IllegalArgumentException if it is not an IP literal with an optional prefix length
     */
    static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String ip = (slash < 0) ? text : text.substring(0, slash);
        InetAddress address = IpLiterals.parse(ip)
            .orElseThrow(() -> new IllegalArgumentException("not an IP address or CIDR range: \"" + text + "\""));
        byte[] bytes = address.getAddress();
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("prefix length not in 0-" + bits + ": \"" + text + "\"");
            }
            prefix = Integer.parseInt(length);
        }
        return new Cidr(mask(bytes, prefix), prefix, text);
    }

    /** Whether {@code address} lies in this range (of the same family). */
    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == this.network.length && java.util.Arrays.equals(mask(bytes, this.prefix), this.network);
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        return masked;
    }

    @Override
    public String toString() {
        return this.text;
    }
}
