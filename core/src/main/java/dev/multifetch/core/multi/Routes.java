package dev.multifetch.core.multi;

import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.HttpVersion;
import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxySettings;
import dev.multifetch.core.ProxyType;
import dev.multifetch.core.connection.Origin;
import dev.multifetch.core.http1.Target;
import dev.multifetch.core.proxy.ProxyRoute;
import dev.multifetch.core.proxy.ProxySelection;

/**
 * How each hop reaches its origin: direct, forwarded by an HTTP proxy, or through a tunnel (a
 * CONNECT or SOCKS handshake), and the key under which its connections are pooled. The proxy is
 * chosen as {@link ProxySettings} says, once per hop (a redirect to another host may go another
 * way). libcurl: {@code lib/proxy.c} {@code Curl_proxy_init_conn()}, {@code url_match_proxy_use()}.
 */
final class Routes {

    private final ProxySettings settings;
    private final ProxySelection selection;

    Routes(ProxySettings settings) {
        this.settings = settings;
        this.selection = new ProxySelection(settings);
    }

    /**
     * The route of a hop to {@code target}, or null for a direct connection. Plain http is
     * forwarded to an HTTP proxy unless tunnelling is asked for, or the request speaks HTTP/2
     * with prior knowledge (the forwarding hop speaks HTTP/1.1); everything else is tunnelled.
     *
     * @throws RuntimeException when a user's {@link java.net.ProxySelector} throws
     */
    ProxyRoute route(Target target, FetchRequest hop, HttpVersion asked) {
        Origin o = target.origin();
        ProxyConfig proxy = selection.select(hop.proxy(), o.scheme(), o.host(), o.port());
        if (proxy == null) {
            return null;
        }
        boolean tunnel = proxy.type().isSocks() || o.scheme().equals("https") || settings.tunnel()
                || asked == HttpVersion.HTTP_2_PRIOR_KNOWLEDGE;
        return new ProxyRoute(proxy, tunnel, proxy.type() == ProxyType.HTTPS ? settings.tls() : null);
    }

    /**
     * The pool key of a hop: the URL's origin with, for https, a request's own TLS settings, and
     * the route; a forwarding proxy's connections are keyed by the route alone.
     */
    static Origin key(Target target, FetchRequest hop, ProxyRoute route) {
        if (route != null && route.forwards()) {
            return new Origin("http", route.proxy().host(), route.proxy().port(), null, route);
        }
        boolean ownTls = target.origin().scheme().equals("https") && hop.tls() != null;
        Origin origin = ownTls ? target.origin().withTls(hop.tls()) : target.origin();
        return route == null ? origin : origin.withProxy(route);
    }
}
