package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * An absolute http or https URL taken apart the way curl's URL parser does for a redirect target,
 * and the reference resolution of RFC 3986 section 5 that puts a {@code Location} together with
 * the URL it answered. curl: urlapi.c redirect_url(), parseurl(), dedotdotify(), urlencode_str().
 *
 * @param scheme    {@code http} or {@code https}, in lower case
 * @param authority user info, host and port as they will be written back
 * @param host      the host, without brackets for IPv6, in ASCII
 * @param port      the port, the scheme's default when the URL names none
 * @param path      the path, starting with {@code /}, percent-encoded and free of dot segments
 * @param query     the query without its {@code ?}, percent-encoded, or null when there is none
 */
record RedirectUrl(String scheme, String authority, String host, int port, String path, String query) {

    /** curl: MAX_SCHEME_LEN. */
    private static final int MAX_SCHEME_LENGTH = 40;
    private static final String HEX = "0123456789ABCDEF";
    /** Characters curl sends as they are; a redirect target gets them encoded, as it always has here. */
    private static final String URI_UNSAFE = "\"<>\\^`{|}";

    /** The URL as text, without a fragment. */
    String text() {
        return scheme + "://" + authority + path + (query == null ? "" : "?" + query);
    }

    /** Resolves {@code location} (already trimmed and non-empty) against {@code base}. */
    static RedirectUrl resolve(RedirectUrl base, String location) throws HttpException {
        for (int i = 0; i < location.length(); i++) {
            char c = location.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw malformed("control character in Location", location);
            }
        }
        if (schemeLength(location) > 0) {
            return parse(location);
        }
        String origin = base.scheme + "://" + base.authority;
        String joined;
        if (location.startsWith("//")) {
            joined = base.scheme + ":" + location;
        } else if (location.startsWith("/")) {
            joined = origin + location;
        } else if (location.startsWith("?")) {
            joined = origin + base.path + location;
        } else if (location.startsWith("#")) {
            // only the fragment changes, and the fragment is never sent
            return base;
        } else {
            joined = origin + base.path.substring(0, base.path.lastIndexOf('/') + 1) + location;
        }
        return parse(joined);
    }

    /**
     * Parses an absolute URL: a scheme, one to three slashes as curl allows, an authority, then
     * path, query and fragment; the fragment is dropped. Spaces and bytes outside ASCII in the
     * path and query are percent-encoded as curl does (a space is {@code +} in the query).
     */
    static RedirectUrl parse(String url) throws HttpException {
        int schemeLength = schemeLength(url);
        if (schemeLength == 0) {
            throw malformed("no scheme in URL", url);
        }
        String scheme = url.substring(0, schemeLength).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new HttpException(FetchError.UNSUPPORTED_PROTOCOL,
                    "redirect to scheme " + Quote.text(scheme) + " is not allowed: " + Quote.text(url));
        }
        int start = schemeLength + 1;
        int slashes = 0;
        while (start + slashes < url.length() && url.charAt(start + slashes) == '/' && slashes < 4) {
            slashes++;
        }
        if (slashes < 1 || slashes > 3) {
            throw malformed("expected one to three slashes after the scheme", url);
        }
        String rest = url.substring(start + slashes);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int authorityEnd = indexOfAny(rest, "/?");
        String authority = rest.substring(0, authorityEnd);
        String pathAndQuery = rest.substring(authorityEnd);
        int question = pathAndQuery.indexOf('?');
        String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        String query = question < 0 ? null : encode(pathAndQuery.substring(question + 1), true);
        path = removeDotSegments(path.isEmpty() ? "/" : encode(path, false));
        return withAuthority(scheme, authority, path, query, url, true);
    }

    /**
     * The URL with {@code authority} taken apart and checked: user info, host (an IPv6 literal in
     * brackets, or a name made ASCII by IDNA) and port.
     *
     * @param headerBytes true when {@code url} came from a header, one character per byte (a
     *                    name outside ASCII is then UTF-8 bytes); false for a Java string
     */
    static RedirectUrl withAuthority(String scheme, String authority, String path, String query, String url,
                                     boolean headerBytes) throws HttpException {
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
        String hostPort = authority.substring(at + 1);
        int close = hostPort.startsWith("[") ? hostPort.indexOf(']') : -1;
        if (hostPort.startsWith("[") && close < 0) {
            throw malformed("unterminated IPv6 address", url);
        }
        int colon = hostPort.indexOf(':', close + 1);
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        String portText = colon < 0 ? "" : hostPort.substring(colon + 1);
        int defaultPort = scheme.equals("https") ? 443 : 80;
        int port = portText.isEmpty() ? defaultPort : port(portText, url);
        String bare = close >= 0 ? checkIpv6(host, url) : checkHostName(host, url, headerBytes);
        String written = close >= 0 ? "[" + bare + "]" : bare;
        String newAuthority = userInfo + written + (portText.isEmpty() ? "" : ":" + port);
        return new RedirectUrl(scheme, newAuthority, bare, port, path, query);
    }

    private static int port(String digits, String url) throws HttpException {
        boolean numeric = digits.length() <= 5 && digits.chars().allMatch(c -> c >= '0' && c <= '9');
        int port = numeric ? Integer.parseInt(digits) : -1;
        if (port < 1 || port > 65535) {
            throw malformed("bad port number " + Quote.text(digits), url);
        }
        return port;
    }

    private static String checkIpv6(String bracketed, String url) throws HttpException {
        String address = bracketed.substring(1, bracketed.length() - 1);
        if (address.length() < 2 || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw malformed("bad IPv6 address " + Quote.text(bracketed), url);
        }
        return address;
    }

    /** curl: urlapi.c hostname_check(); a name outside ASCII becomes its IDNA (punycode) form. */
    private static String checkHostName(String host, String url, boolean headerBytes) throws HttpException {
        if (host.isEmpty()) {
            throw malformed("no host name", url);
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (" \t/:#?!@{}[]\\$'\"^`*<>=;,+&()%".indexOf(c) >= 0) {
                throw malformed((c == ' ' ? "space" : "bad character " + Quote.text(String.valueOf(c)))
                        + " in host name " + Quote.text(host), url);
            }
        }
        if (host.chars().allMatch(c -> c < 0x80)) {
            return host;
        }
        try {
            // header bytes arrive as ISO-8859-1 characters; the name itself is UTF-8
            return IDN.toASCII(headerBytes ? new String(host.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8) : host);
        } catch (IllegalArgumentException e) {
            throw malformed("bad international host name: " + e.getMessage(), url);
        }
    }

    /** The length of a leading {@code scheme:}, or 0. curl: Curl_is_absolute_url() without guessing. */
    static int schemeLength(String url) {
        if (url.isEmpty() || !isAsciiLetter(url.charAt(0))) {
            return 0;
        }
        int i = 1;
        while (i < url.length() && i < MAX_SCHEME_LENGTH && isSchemeChar(url.charAt(i))) {
            i++;
        }
        return i < url.length() && url.charAt(i) == ':' ? i : 0;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isSchemeChar(char c) {
        return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    }

    /**
     * Percent-encodes what curl encodes (a space, and every byte outside ASCII: a character up to
     * U+00FF stands for one header byte, a higher one is taken as UTF-8), and also
     * {@code "<>\^`{|}}, brackets in a path, and a {@code %} that starts no escape. Hex digits are
     * upper case (RFC 3986 section 2.1).
     */
    static String encode(String s, boolean query) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ') {
                sb.append(query ? "+" : "%20");
            } else if (c > 0xff) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp) - 1;
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    appendEscape(sb, b & 0xff);
                }
            } else if (c > 0x7e || URI_UNSAFE.indexOf(c) >= 0 || (!query && (c == '[' || c == ']'))
                    || (c == '%' && !isEscape(s, i))) {
                appendEscape(sb, c);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isEscape(String s, int i) {
        return i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0;
    }

    /** Appends {@code %XX} for the byte {@code b}, in upper-case hex as RFC 3986 section 2.1 asks. */
    static void appendEscape(StringBuilder sb, int b) {
        sb.append('%').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xf));
    }

    /**
     * RFC 3986 section 5.2.4 on a path that starts with {@code /}: {@code .} and {@code ..}
     * segments go, and {@code ..} never climbs above the root. As in curl, {@code %2e} counts as a
     * dot.
     */
    static String removeDotSegments(String path) {
        String[] segments = path.substring(1).split("/", -1);
        Deque<String> out = new ArrayDeque<>();
        for (int i = 0; i < segments.length; i++) {
            String dots = segments[i].replace("%2e", ".").replace("%2E", ".");
            boolean last = i == segments.length - 1;
            if (dots.equals(".") || dots.equals("..")) {
                if (dots.equals("..")) {
                    out.pollLast();
                }
                if (last) {
                    out.addLast("");
                }
            } else {
                out.addLast(segments[i]);
            }
        }
        return "/" + String.join("/", out);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private static HttpException malformed(String why, String url) {
        return new HttpException(FetchError.URL_MALFORMAT, why + ": " + Quote.text(url));
    }
}
