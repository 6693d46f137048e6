package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;

/**
 * The rules for following a redirect, as pure functions: which responses redirect, where to, with
 * which method, and whether credentials may go along. No I/O and no state; the caller counts hops.
 * libcurl: {@code Curl_follow()} in {@code lib/transfer.c} and {@code lib/http.c}, with
 * {@code CURLOPT_FOLLOWLOCATION}, {@code CURLOPT_POSTREDIR} and {@code CURLOPT_UNRESTRICTED_AUTH}.
 */
public final class Redirects {

    /**
     * The method of the request that follows a redirect.
     *
     * @param method      the method to send
     * @param bodyDropped true when the request had a body and the follow-up goes without it; the
     *                    caller then also drops the headers that describe it ({@code Content-Length},
     *                    {@code Content-Type}, {@code Transfer-Encoding})
     */
    public record NextMethod(String method, boolean bodyDropped) {
    }

    private Redirects() {
    }

    /**
     * The {@code Location} of a 3xx response, from all its {@code Location} field values: blank
     * values and exact repeats are ignored, two different values are a weird reply, as curl 8
     * treats them ("Multiple Location headers", whether or not redirects are followed). Null when
     * there is none, or when the status is not 3xx.
     *
     * @throws HttpException {@link FetchError#WEIRD_SERVER_REPLY} for two different values
     */
    public static String location(int status, java.util.List<String> values) throws HttpException {
        if (status < 300 || status > 399) {
            return null;
        }
        String location = null;
        for (String value : values) {
            String v = trim(value);
            if (v.isEmpty() || v.equals(location)) {
                continue;
            }
            if (location != null) {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY, "multiple Location fields in a " + status
                        + " response: " + Quote.text(location) + " and " + Quote.text(v));
            }
            location = v;
        }
        return location;
    }

    /**
     * Whether a response redirects: status 301, 302, 303, 307 or 308 with a {@code Location} that
     * is not blank. Pass the value {@link #location} chose; null when there is none. curl ignores
     * an empty {@code Location} too.
     */
    public static boolean isRedirect(int status, String location) {
        boolean code = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
        return code && location != null && !trim(location).isEmpty();
    }

    /**
     * The absolute URL a {@code Location} value leads to from {@code baseUrl}, resolved by RFC 3986
     * section 5 as curl does it: blanks around the value are trimmed; {@code ../} never climbs above
     * the root; {@code //host/x} keeps the scheme; {@code ?q} keeps the path; the fragment is
     * dropped. Spaces and bytes outside ASCII are percent-encoded (curl tests 28, 49, 50, 51, 52,
     * 1314, 1413).
     *
     * @param baseUrl  the absolute http or https URL that was answered with the redirect
     * @param location the {@code Location} field value, one character per header byte
     * @return the absolute URL, without a fragment, for {@link Target#parse}
     * @throws HttpException {@link FetchError#UNSUPPORTED_PROTOCOL} when the target's scheme is not
     *                       http or https (curl tests 325, 1563); {@link FetchError#URL_MALFORMAT}
     *                       for a value curl's URL parser refuses (control bytes, no host, bad port)
     */
    public static String resolve(String baseUrl, String location) throws HttpException {
        String value = trim(location);
        if (value.isEmpty()) {
            throw new HttpException(FetchError.URL_MALFORMAT, "empty Location");
        }
        return RedirectUrl.resolve(RedirectUrl.parse(baseUrl), value).text();
    }

    /**
     * The method after a redirect with {@code status}, curl's rules: 301 and 302 turn a POST into a
     * GET unless {@code keepPost} says otherwise, and leave other methods alone; 303 turns every
     * method but GET and HEAD into a GET, except a POST that {@code keepPost} keeps; 307 and 308
     * keep the method and the body (curl tests 1011, 1012, 1076, 1325, 1332, 1524, 1983).
     *
     * @param method  the method of the request that was redirected, case-sensitive
     * @param hadBody whether that request carried a body
     * @throws IllegalArgumentException when {@code status} is not a redirect status
     */
    public static NextMethod nextMethod(int status, String method, boolean hadBody, PostRedirect keepPost) {
        boolean post = method.equals("POST");
        boolean toGet = switch (status) {
            case 301, 302 -> post && !keepPost.keepsPost(status);
            case 303 -> !method.equals("GET") && !method.equals("HEAD") && !(post && keepPost.keepsPost(status));
            case 307, 308 -> false;
            default -> throw new IllegalArgumentException("not a redirect status: " + status);
        };
        return toGet ? new NextMethod("GET", hadBody) : new NextMethod(method, false);
    }

    /**
     * Whether going from {@code fromUrl} to {@code toUrl} changes scheme, host (ignoring case) or
     * port, the default port counting as named. When it does, the caller sends neither
     * {@code Authorization} nor a {@code Cookie} it was given (curl tests 317, 330, 974, 998).
     * curl compares with the first URL of the transfer, not the previous hop, so a chain that comes
     * back to the first origin gets the credentials again; pass that URL as {@code fromUrl}. A URL
     * that does not parse counts as another origin.
     */
    public static boolean crossOrigin(String fromUrl, String toUrl) {
        try {
            RedirectUrl from = RedirectUrl.parse(fromUrl);
            RedirectUrl to = RedirectUrl.parse(toUrl);
            return !from.scheme().equals(to.scheme()) || !from.host().equalsIgnoreCase(to.host())
                    || from.port() != to.port();
        } catch (HttpException e) {
            return true;
        }
    }

    /** Strips what curl's header value copy skips: space, tab, CR, LF, VT and FF. */
    private static String trim(String value) {
        int from = 0;
        int to = value.length();
        while (from < to && isSpace(value.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(value.charAt(to - 1))) {
            to--;
        }
        return value.substring(from, to);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
