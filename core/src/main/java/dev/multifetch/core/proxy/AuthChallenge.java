package dev.multifetch.core.proxy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code Proxy-Authenticate} (or {@code WWW-Authenticate}) field: its scheme
 * and its auth-params, names in lower case, quoted values unescaped. RFC 9110 section 11.3: a
 * field may carry several challenges separated by commas, and a comma inside a quoted string
 * separates nothing.
 */
record AuthChallenge(String scheme, Map<String, String> params) {

    /** The challenge's parameter {@code name} (lower case), or {@code fallback} when absent. */
    String param(String name, String fallback) {
        return params.getOrDefault(name, fallback);
    }

    /** Whether the scheme is {@code name}, in any case. */
    boolean is(String name) {
        return scheme.equalsIgnoreCase(name);
    }

    /**
     * Every challenge in {@code values}, in order. A value that stops making sense (a character
     * where a token must start) ends that value's challenges there; the ones before it are kept.
     */
    static List<AuthChallenge> parse(List<String> values) {
        List<AuthChallenge> out = new ArrayList<>();
        for (String v : values) {
            new Parser(v, out).run();
        }
        return out;
    }

    /** A cursor over one field value. */
    private static final class Parser {

        private final String s;
        private final List<AuthChallenge> out;
        private Map<String, String> params;
        private int i;

        Parser(String s, List<AuthChallenge> out) {
            this.s = s;
            this.out = out;
        }

        void run() {
            while (true) {
                while (i < s.length() && (s.charAt(i) == ',' || isSpace(s.charAt(i)))) {
                    i++;
                }
                int start = i;
                i = tokenEnd(i);
                if (i == start) {
                    return;
                }
                String token = s.substring(start, i);
                int eq = skipSpace(i);
                if (params != null && at(eq, '=') && valueStarts(skipSpace(eq + 1))) {
                    i = skipSpace(eq + 1);
                    params.putIfAbsent(token.toLowerCase(Locale.ROOT), value());
                } else {
                    params = new LinkedHashMap<>();
                    out.add(new AuthChallenge(token, Collections.unmodifiableMap(params)));
                    i = skipToken68(eq);
                }
            }
        }

        /** Skips a token68 after a scheme (as in {@code Negotiate abc==}), which is not an auth-param. */
        private int skipToken68(int from) {
            int end = from;
            while (end < s.length() && (isTchar(s.charAt(end)) || s.charAt(end) == '/')) {
                end++;
            }
            int tokenEnd = end;
            while (end < s.length() && s.charAt(end) == '=') {
                end++;
            }
            boolean isParam = end == tokenEnd + 1 && valueStarts(skipSpace(end));
            int after = skipSpace(end);
            boolean alone = after == s.length() || s.charAt(after) == ',';
            return end > from && !isParam && alone ? after : from;
        }

        private String value() {
            if (!at(i, '"')) {
                int start = i;
                i = tokenEnd(i);
                return s.substring(start, i);
            }
            StringBuilder b = new StringBuilder();
            for (i++; i < s.length() && s.charAt(i) != '"'; i++) {
                if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                    i++;
                }
                b.append(s.charAt(i));
            }
            i++;
            return b.toString();
        }

        private boolean valueStarts(int at) {
            return at < s.length() && (s.charAt(at) == '"' || isTchar(s.charAt(at)));
        }

        private boolean at(int at, char c) {
            return at < s.length() && s.charAt(at) == c;
        }

        private int skipSpace(int from) {
            int at = from;
            while (at < s.length() && isSpace(s.charAt(at))) {
                at++;
            }
            return at;
        }

        private int tokenEnd(int from) {
            int at = from;
            while (at < s.length() && isTchar(s.charAt(at))) {
                at++;
            }
            return at;
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t';
        }

        private static boolean isTchar(char c) {
            return c > ' ' && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
    }
}
