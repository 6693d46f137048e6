package dev.multifetch.core.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An {@code http.nonProxyHosts} list read with the JDK's rules: which hosts go direct. Patterns
 * are separated by {@code |}, empty ones skipped, never trimmed; a pattern may start and/or end
 * with {@code *} (any text, the empty text too), and {@code *} alone matches every host; a
 * {@code *} anywhere else is a plain character, as in the JDK. Host and patterns are compared in
 * any case. An IPv6 literal may be written with or without brackets, in the pattern and in the
 * host alike. No name is ever resolved. Immutable and thread-safe.
 *
 * <p>JDK: {@code sun.net.spi.DefaultProxySelector} ({@code toPattern}, {@code disjunctToRegex},
 * {@code shouldNotUseProxyFor}); the properties {@code http.nonProxyHosts} and
 * {@code socksNonProxyHosts}.
 */
public final class NonProxyHosts {

    /** The JDK's list when the property is absent: the loopback names and the wildcard addresses. */
    public static final String DEFAULT_LIST = "localhost|127.*|[::1]|0.0.0.0|[::0]";

    private static final NonProxyHosts DEFAULT = parse(DEFAULT_LIST);

    private final List<Mask> masks;

    private NonProxyHosts(List<Mask> masks) {
        this.masks = masks;
    }

    /** The patterns of {@code list}; null is {@link #DEFAULT_LIST}, {@code ""} matches no host. */
    public static NonProxyHosts parse(String list) {
        if (list == null) {
            return DEFAULT;
        }
        List<Mask> masks = new ArrayList<>();
        for (String pattern : list.split("\\|")) {
            if (!pattern.isEmpty()) {
                masks.add(Mask.of(unbracket(pattern.toLowerCase(Locale.ROOT))));
            }
        }
        return new NonProxyHosts(List.copyOf(masks));
    }

    /**
     * The list a JVM property value stands for, as the JDK reads it: absent (null) is
     * {@link #DEFAULT_LIST}, {@code ""} matches nothing, and any other value is that value
     * with {@link #DEFAULT_LIST} added, so loopback stays direct unless the property is empty.
     */
    public static NonProxyHosts ofProperty(String value) {
        if (value == null) {
            return DEFAULT;
        }
        return parse(value.isEmpty() ? "" : value + "|" + DEFAULT_LIST);
    }

    /** Whether {@code host} (any case, an IPv6 literal with or without brackets) goes direct; never an empty host. */
    public boolean matches(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = unbracket(host.toLowerCase(Locale.ROOT));
        for (Mask m : masks) {
            if (m.matches(h)) {
                return true;
            }
        }
        return false;
    }

    /** {@code s} without a leading {@code [} and a trailing {@code ]}, so both IPv6 spellings compare equal. */
    private static String unbracket(String s) {
        int from = s.startsWith("[") ? 1 : 0;
        int to = s.endsWith("]") && s.length() > from ? s.length() - 1 : s.length();
        return s.substring(from, to);
    }

    /** One pattern: its text without the stars, and where the stars were. */
    private record Mask(String text, boolean anyBefore, boolean anyAfter) {

        static Mask of(String pattern) {
            if (pattern.equals("*")) {
                return new Mask("", true, true);
            }
            boolean before = pattern.startsWith("*");
            boolean after = pattern.endsWith("*");
            String text = pattern.substring(before ? 1 : 0, after ? pattern.length() - 1 : pattern.length());
            return new Mask(text, before, after);
        }

        boolean matches(String host) {
            if (anyBefore && anyAfter) {
                return host.contains(text);
            }
            if (anyBefore) {
                return host.endsWith(text);
            }
            return anyAfter ? host.startsWith(text) : host.equals(text);
        }
    }
}
