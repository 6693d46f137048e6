package dev.multifetch.core.proxy;

/**
 * IP address literals read from their text alone, as {@code inet_pton} reads them: dotted-quad
 * IPv4 without leading zeros, and the RFC 4291 text forms of IPv6 (with {@code ::} and a dotted
 * IPv4 tail). Nothing here ever consults a resolver, so a name is simply "not an address".
 */
final class IpText {

    private IpText() {
    }

    /** The four bytes of a dotted-quad IPv4 literal, or null when {@code s} is not one. */
    static byte[] v4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = decimalOctet(parts[i]);
            if (octet < 0) {
                return null;
            }
            out[i] = (byte) octet;
        }
        return out;
    }

    /** 0 to 255 written without a leading zero, or -1. */
    private static int decimalOctet(String p) {
        if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    /** The sixteen bytes of an IPv6 literal (no brackets, no zone), or null when {@code s} is not one. */
    static byte[] v6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap >= 0 ? s.substring(0, gap) : s;
        String tail = gap >= 0 ? s.substring(gap + 2) : "";
        int[] headGroups = groups(head, gap < 0);
        int[] tailGroups = gap >= 0 ? groups(tail, true) : new int[0];
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int count = headGroups.length + tailGroups.length;
        if (gap >= 0 ? count > 7 : count != 8) {
            return null;
        }
        byte[] out = new byte[16];
        put(out, 0, headGroups);
        put(out, 8 - tailGroups.length, tailGroups);
        return out;
    }

    /**
     * The 16-bit groups of a colon-separated run; {@code last} allows a dotted IPv4 tail (two
     * groups). An empty run has no groups; an empty group anywhere else makes it not a literal.
     */
    private static int[] groups(String run, boolean last) {
        if (run.isEmpty()) {
            return new int[0];
        }
        String[] parts = run.split(":", -1);
        byte[] v4Tail = last && parts[parts.length - 1].indexOf('.') >= 0 ? v4(parts[parts.length - 1]) : null;
        int hexParts = v4Tail != null ? parts.length - 1 : parts.length;
        if (hexParts > 8) {
            return null;
        }
        int[] out = new int[v4Tail != null ? hexParts + 2 : hexParts];
        for (int i = 0; i < hexParts; i++) {
            out[i] = hexGroup(parts[i]);
            if (out[i] < 0) {
                return null;
            }
        }
        if (v4Tail != null) {
            out[hexParts] = (v4Tail[0] & 0xff) << 8 | (v4Tail[1] & 0xff);
            out[hexParts + 1] = (v4Tail[2] & 0xff) << 8 | (v4Tail[3] & 0xff);
        }
        return out;
    }

    /** One to four hex digits, or -1. */
    private static int hexGroup(String p) {
        if (p.isEmpty() || p.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < p.length(); i++) {
            int d = Character.digit(p.charAt(i), 16);
            if (d < 0 || p.charAt(i) > 'f') {
                return -1;
            }
            value = value << 4 | d;
        }
        return value;
    }

    private static void put(byte[] out, int group, int[] values) {
        for (int i = 0; i < values.length; i++) {
            out[2 * (group + i)] = (byte) (values[i] >> 8);
            out[2 * (group + i) + 1] = (byte) values[i];
        }
    }

    /** Whether the first {@code bits} bits of {@code a} and {@code b} (of the same length) are equal. */
    static boolean samePrefix(byte[] a, byte[] b, int bits) {
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        int mask = (0xff << (8 - rest)) & 0xff;
        return rest == 0 || ((a[whole] ^ b[whole]) & mask) == 0;
    }
}
