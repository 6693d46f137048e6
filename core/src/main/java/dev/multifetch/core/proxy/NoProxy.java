package dev.multifetch.core.proxy;

import java.util.ArrayList;
import java.util.List;

/**
 * A NO_PROXY list read with curl's rules: which hosts go direct, judged from the URL host alone.
 * The list is comma separated, blanks around a token allowed; a list that is exactly {@code *}
 * matches every host. A name token matches the host itself or any name below it at a label
 * boundary ({@code ample.com} matches {@code www.ample.com}, not {@code example.com}); one
 * leading dot and one trailing dot are ignored on the token, one trailing dot on the host, and
 * case never matters. {@code *.example.com} is a name like any other, not a wildcard. An IPv4 or
 * IPv6 literal host is compared only with address tokens, each with an optional CIDR prefix
 * length ({@code 10.0.0.0/8}, {@code ::1/128}); a prefix that is not a number in range simply
 * never matches. A blank not followed by a comma ends the list, so {@code "a b"} is just
 * {@code a}. No name is ever resolved: a CIDR token never matches a name, whatever it resolves
 * to. Immutable and thread-safe.
 *
 * <p>curl: lib/proxy.c {@code proxy_check_noproxy()}, {@code cidr4_match()}, {@code cidr6_match()};
 * libcurl: {@code CURLOPT_NOPROXY}, the {@code no_proxy} environment variable.
 */
public final class NoProxy {

    private static final NoProxy NOTHING = new NoProxy(false, List.of());

    private final boolean everything;
    private final List<Token> tokens;

    private NoProxy(boolean everything, List<Token> tokens) {
        this.everything = everything;
        this.tokens = tokens;
    }

    /** The rules of {@code list}; null or {@code ""} matches no host. */
    public static NoProxy parse(String list) {
        if (list == null || list.isEmpty()) {
            return NOTHING;
        }
        if (list.equals("*")) {
            return new NoProxy(true, List.of());
        }
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = list.length();
        // curl: a token ends at a blank or a comma; after it, only a comma lets the list go on
        while (i < n) {
            i = skipBlanks(list, i);
            int start = i;
            while (i < n && !isBlank(list.charAt(i)) && list.charAt(i) != ',') {
                i++;
            }
            if (i > start) {
                tokens.add(Token.of(list.substring(start, i)));
            }
            i = skipBlanks(list, i);
            if (i >= n || list.charAt(i) != ',') {
                break;
            }
            while (i < n && list.charAt(i) == ',') {
                i++;
            }
        }
        return new NoProxy(false, List.copyOf(tokens));
    }

    private static int skipBlanks(String s, int i) {
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * Whether {@code host} goes direct: the URL host in any case, an IPv6 literal without
     * brackets (brackets are tolerated), a trailing dot allowed. A null or empty host never matches.
     */
    public boolean matches(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (everything) {
            return true;
        }
        String h = host.length() > 2 && host.charAt(0) == '[' && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host;
        byte[] address = IpText.v4(h);
        if (address == null && h.indexOf(':') >= 0) {
            address = IpText.v6(h);
        }
        if (address != null) {
            return matchesAddress(address);
        }
        String name = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        for (Token t : tokens) {
            if (t.matchesName(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesAddress(byte[] address) {
        for (Token t : tokens) {
            if (t.matchesAddress(address)) {
                return true;
            }
        }
        return false;
    }

    /** One list entry, read both ways up front: as a name and, when it is one, as an address range. */
    private record Token(String name, byte[] network, int bits) {

        static Token of(String text) {
            String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
            if (name.startsWith(".")) {
                name = name.substring(1);
            }
            int slash = text.indexOf('/');
            String ip = slash >= 0 ? text.substring(0, slash) : text;
            int bits = slash >= 0 ? prefixLength(text.substring(slash + 1)) : 0;
            byte[] network = bits < 0 ? null : IpText.v4(ip);
            if (network == null && bits >= 0 && ip.indexOf(':') >= 0) {
                network = IpText.v6(ip);
            }
            return new Token(name, network, bits);
        }

        /** Decimal digits up to 128, as curl reads a prefix length; -1 for anything else. */
        private static int prefixLength(String s) {
            if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return -1;
            }
            int bits = Integer.parseInt(s);
            return bits <= 128 ? bits : -1;
        }

        /** curl's case A (the same name) or case B (a name below it); never a bare suffix. */
        boolean matchesName(String host) {
            int extra = host.length() - name.length();
            if (extra < 0) {
                return false;
            }
            return (extra == 0 || host.charAt(extra - 1) == '.')
                    && host.regionMatches(true, extra, name, 0, name.length());
        }

        /**
         * Whether {@code address} is in this range. As curl: IPv4 with no prefix, /0 or /32 is
         * the one address and over 32 never matches; IPv6 with no prefix or /0 is the one address.
         */
        boolean matchesAddress(byte[] address) {
            if (network == null || network.length != address.length) {
                return false;
            }
            int width = address.length * 8;
            if (bits > width) {
                return false;
            }
            return IpText.samePrefix(address, network, bits == 0 ? width : bits);
        }
    }
}
