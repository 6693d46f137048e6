package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.connection.Origin;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A request URL taken apart for HTTP/1.1: the origin to connect to, the request-target for the
 * request line, the {@code Host} header value, and the URL as it will be reported.
 * A URL without a scheme is taken as http, as curl does; only http and https are accepted.
 *
 * @param url           the URL without its fragment
 * @param origin        scheme, host (no brackets) and port
 * @param requestTarget origin-form path and query, never empty
 * @param hostHeader    host, in brackets for IPv6, with the port unless it is the default
 */
public record Target(String url, Origin origin, String requestTarget, String hostHeader) {

    /** Parses {@code url}; a URL the engine cannot use is an {@link HttpException}. */
    public static Target parse(String url) throws HttpException {
        String text = url.contains("://") ? url : "http://" + url;
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new HttpException(FetchError.URL_MALFORMAT, "malformed URL " + Quote.text(url) + ": " + e.getReason()
                    + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new HttpException(FetchError.UNSUPPORTED_PROTOCOL, "scheme \"" + scheme + "\" is not supported: " + Quote.text(url));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new HttpException(FetchError.URL_MALFORMAT, "no valid host in URL " + Quote.text(url));
        }
        int defaultPort = scheme.equals("https") ? 443 : 80;
        int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new HttpException(FetchError.URL_MALFORMAT, "port out of range in URL " + Quote.text(url));
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String requestTarget = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        String hostHeader = port == defaultPort ? host : host + ":" + port;
        String reported = scheme + "://" + hostHeader + requestTarget;
        return new Target(reported, new Origin(scheme, bare, port), requestTarget, hostHeader);
    }
}
