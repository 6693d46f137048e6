package dev.multifetch.core.politeness;

import java.util.Locale;
import java.util.Set;

/**
 * The registrable domain of a host name, without a public suffix list download: the last two
 * labels, or three under the common two-label public suffixes ({@code co.uk}, {@code com.au},
 * {@code github.io}, ...). An IP literal stands for itself. An approximation for pacing, where
 * erring towards a shorter key only makes the engine gentler.
 */
public final class RegistrableDomain {

    private static final Set<String> TWO_LABEL_SUFFIXES = Set.of(
            "co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk", "sch.uk",
            "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz", "org.nz", "net.nz", "co.jp", "ne.jp",
            "or.jp", "ac.jp", "go.jp", "co.kr", "or.kr", "com.br", "net.br", "org.br", "com.cn", "net.cn",
            "org.cn", "gov.cn", "com.mx", "com.ar", "com.tr", "com.tw", "com.hk", "com.sg", "co.in", "net.in",
            "org.in", "co.za", "com.pl", "co.il", "com.ua", "co.id", "com.my", "com.ph", "com.vn",
            "github.io", "gitlab.io", "herokuapp.com", "appspot.com", "blogspot.com", "cloudfront.net",
            "azurewebsites.net", "netlify.app", "vercel.app", "pages.dev", "workers.dev", "s3.amazonaws.com");

    private RegistrableDomain() {
    }

    /** The registrable domain of {@code host} (lower case, a trailing dot dropped). */
    public static String of(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.indexOf(':') >= 0 || h.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
            return h;
        }
        int last = h.lastIndexOf('.');
        if (last <= 0) {
            return h;
        }
        int second = h.lastIndexOf('.', last - 1);
        if (second < 0) {
            return h;
        }
        String lastTwo = h.substring(second + 1);
        if (!TWO_LABEL_SUFFIXES.contains(lastTwo)) {
            return lastTwo;
        }
        int third = h.lastIndexOf('.', second - 1);
        return third < 0 ? h : h.substring(third + 1);
    }
}
