package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.connection.Origin;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A request URL taken apart for HTTP/1.1 the way curl reads {@code CURLOPT_URL}: the origin to
 * connect to, the request-target for the request line, the {@code Host} header value, and the URL
 * as it will be reported. curl: urlapi.c parseurl() with CURLU_GUESS_SCHEME.
 * <ul>
 *   <li>A scheme is letters, digits, {@code + - .} then {@code :/}; {@code localhost:8080} has none.
 *       One to three slashes may follow it ({@code http:/host/p} is {@code http://host/p}).</li>
 *   <li>Without a scheme one is guessed from the host name as curl guesses it: {@code ftp.},
 *       {@code dict.}, {@code ldap.}, {@code imap.}, {@code smtp.} and {@code pop3.} name those
 *       protocols (so such a URL is {@link FetchError#UNSUPPORTED_PROTOCOL}), anything else is
 *       http. Only http and https are fetched.</li>
 *   <li>The fragment starts at the first {@code #}, whatever follows it, and is never sent.</li>
 *   <li>Control characters and spaces are refused, as curl refuses them; bytes outside ASCII in
 *       the path and query are sent percent-encoded as UTF-8, in upper case; {@code .} and
 *       {@code ..} segments are removed; user info is ignored.</li>
 * </ul>
 * Errors say what is wrong in the user's terms and quote the URL as it was given.
 *
 * @param url           the URL without its fragment
 * @param origin        scheme, host (no brackets) and port
 * @param requestTarget origin-form path and query, never empty
 * @param hostHeader    host, in brackets for IPv6, with the port unless it is the default
 */
public record Target(String url, Origin origin, String requestTarget, String hostHeader) {

    /** Host name prefixes from which curl guesses a scheme other than http. curl: urlapi.c guess_scheme(). */
    private static final String[] GUESSED = {"ftp", "dict", "ldap", "imap", "smtp", "pop3"};

    /** Parses {@code url}; a URL the engine cannot use is an {@link HttpException}. */
    public static Target parse(String url) throws HttpException {
        if (url.isEmpty()) {
            throw new HttpException(FetchError.URL_MALFORMAT, "empty URL");
        }
        int schemeLength = RedirectUrl.schemeLength(url);
        boolean explicit = schemeLength > 0 && schemeLength + 1 < url.length() && url.charAt(schemeLength + 1) == '/';
        int start = 0;
        if (explicit) {
            start = schemeLength + 1;
            while (start < url.length() && url.charAt(start) == '/' && start - schemeLength <= 4) {
                start++;
            }
        }
        int fragment = url.indexOf('#', start);
        int end = fragment < 0 ? url.length() : fragment;
        int authorityEnd = indexOfAny(url, "/?", start, end);
        int question = url.indexOf('?', authorityEnd);
        int pathEnd = question >= 0 && question < end ? question : end;
        checkCharacters(url, authorityEnd, pathEnd, end);
        String scheme = explicit ? url.substring(0, schemeLength).toLowerCase(Locale.ROOT) : guessScheme(url);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new HttpException(FetchError.UNSUPPORTED_PROTOCOL, "scheme " + Quote.text(scheme)
                    + (explicit ? "" : " (guessed from the host name, as curl does)") + " is not supported: " + Quote.text(url));
        }
        int slashes = explicit ? start - schemeLength - 1 : 1;
        if (slashes > 3) {
            throw malformed("expected one to three slashes after \"" + url.substring(0, schemeLength + 1) + "\"", url);
        }
        String path = url.substring(authorityEnd, pathEnd);
        String query = pathEnd < end ? encode(url.substring(pathEnd + 1, end)) : null;
        path = RedirectUrl.removeDotSegments(path.isEmpty() ? "/" : encode(path));
        RedirectUrl parts = RedirectUrl.withAuthority(scheme, url.substring(start, authorityEnd), path, query, url, false);
        int defaultPort = scheme.equals("https") ? 443 : 80;
        String host = parts.host().indexOf(':') >= 0 ? "[" + parts.host() + "]" : parts.host();
        String hostHeader = parts.port() == defaultPort ? host : host + ":" + parts.port();
        String requestTarget = query == null ? path : path + "?" + query;
        return new Target(scheme + "://" + hostHeader + requestTarget, new Origin(scheme, parts.host(), parts.port()),
                requestTarget, hostHeader);
    }

    /** Refuses control characters and spaces (curl: urlapi.c junkscan()), naming the part they are in. */
    private static void checkCharacters(String url, int pathStart, int queryStart, int fragmentStart) throws HttpException {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c > ' ' && c != 0x7f) {
                continue;
            }
            String part = i < pathStart ? "host" : i < queryStart ? "path" : i < fragmentStart ? "query" : "fragment";
            String what = c == ' ' ? "space" : c == '\t' ? "tab" : String.format("control character 0x%02X", (int) c);
            throw malformed(what + " in " + (i == 0 || i == url.length() - 1 ? "URL (at its " + (i == 0 ? "start)" : "end)")
                    : part), url);
        }
    }

    /** curl: urlapi.c guess_scheme(), on the host name (the input up to {@code :}, {@code /}, {@code ?} or {@code #}). */
    private static String guessScheme(String url) {
        for (String scheme : GUESSED) {
            if (url.regionMatches(true, 0, scheme + ".", 0, scheme.length() + 1)) {
                return scheme;
            }
        }
        return "http";
    }

    /** Percent-encodes, as UTF-8 in upper-case hex, every character outside ASCII; the rest is sent as written. */
    private static String encode(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) < 0x80) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                sb.append(c);
                continue;
            }
            int cp = s.codePointAt(i);
            i += Character.charCount(cp) - 1;
            for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                RedirectUrl.appendEscape(sb, b & 0xff);
            }
        }
        return sb.toString();
    }

    private static int indexOfAny(String s, String chars, int from, int to) {
        for (int i = from; i < to; i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return to;
    }

    private static HttpException malformed(String why, String url) {
        return new HttpException(FetchError.URL_MALFORMAT, why + ": " + Quote.text(url));
    }
}
