package dev.multifetch.core.proxy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxySettings;
import dev.multifetch.core.ProxyType;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the proxy of one request hop from a multi handle's {@link ProxySettings}, curl's way.
 * First found wins: the request's own proxy; the settings' {@link ProxySettings#proxy()}; the
 * {@link ProxySettings#proxySelector()}, whose answer is final (DIRECT included); the JVM's
 * proxy properties, with their {@code nonProxyHosts} lists; the environment, with its
 * {@code no_proxy} when the settings have no list of their own. {@link ProxyConfig#NONE} from the
 * request or the settings means direct, and nothing further is consulted. The settings'
 * {@link ProxySettings#noProxy()} list, when set, sends a matching host direct whichever source
 * named the proxy. A proxy without credentials then takes the settings' user name and password.
 *
 * <p>Lists are parsed once, when the selection is made, so a request only looks them up; no name
 * is ever resolved. Immutable apart from thread-safe caches: one per multi handle, called on its
 * driving thread for every hop.
 *
 * <p>curl: lib/proxy.c {@code Curl_proxy_init_conn()}; JDK: {@code DefaultProxySelector}.
 */
public final class ProxySelection {

    private final ProxySettings settings;
    private final NoProxy noProxy;
    private final EnvironmentProxies environment;
    private final PropertyProxies properties;

    /** A selection for {@code settings}, with their lists parsed now. */
    public ProxySelection(ProxySettings settings) {
        this.settings = Objects.requireNonNull(settings, "proxy settings");
        this.noProxy = settings.noProxy() == null ? null : NoProxy.parse(settings.noProxy());
        this.environment = settings.environment() == null ? null : new EnvironmentProxies(settings.environment());
        this.properties = settings.systemProperties() == null ? null : new PropertyProxies(settings.systemProperties());
    }

    /**
     * The proxy for one request to {@code scheme://host:port}, or null to go direct, parsing the
     * settings' lists for this one call. See {@link #select(ProxyConfig, String, String, int)}.
     */
    public static ProxyConfig select(ProxySettings settings, ProxyConfig requestProxy, String scheme, String host, int port) {
        return new ProxySelection(settings).select(requestProxy, scheme, host, port);
    }

    /**
     * The proxy, with its credentials, for one request to {@code scheme://host:port}, or null to
     * go direct. {@code requestProxy} is the request's own (null for none set, {@link
     * ProxyConfig#NONE} for direct); {@code host} is the URL host, an IPv6 literal without
     * brackets. An environment or property value that is not a proxy is an
     * {@link IllegalArgumentException} naming it; what the proxy selector throws propagates.
     */
    public ProxyConfig select(ProxyConfig requestProxy, String scheme, String host, int port) {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        if (noProxy != null && noProxy.matches(host)) {
            return null;
        }
        ProxyConfig chosen = choose(requestProxy, scheme, host, port);
        if (chosen == null || chosen.hasCredentials() || settings.username() == null) {
            return chosen;
        }
        return chosen.withCredentials(settings.username(), settings.password());
    }

    private ProxyConfig choose(ProxyConfig requestProxy, String scheme, String host, int port) {
        if (requestProxy != null) {
            return direct(requestProxy);
        }
        if (settings.proxy() != null) {
            return direct(settings.proxy());
        }
        if (settings.proxySelector() != null) {
            return fromSelector(settings.proxySelector(), scheme, host, port);
        }
        if (properties != null) {
            ProxyConfig p = properties.proxyFor(scheme);
            if (p != null) {
                return properties.bypasses(p, host) ? null : p;
            }
        }
        if (environment != null) {
            ProxyConfig p = environment.proxyFor(scheme);
            if (p != null) {
                return noProxy == null && environment.bypasses(host) ? null : p;
            }
        }
        return null;
    }

    /** {@code proxy}, or null when it is {@link ProxyConfig#NONE}. */
    private static ProxyConfig direct(ProxyConfig proxy) {
        return proxy.isNone() ? null : proxy;
    }

    /**
     * The selector's first usable entry: HTTP as an HTTP proxy, SOCKS as socks5h (socks4a when
     * the settings' properties say {@code socksProxyVersion=4}), DIRECT as null. An entry whose
     * address is not an {@link InetSocketAddress} is passed over.
     */
    private ProxyConfig fromSelector(ProxySelector selector, String scheme, String host, int port) {
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        List<Proxy> answer = selector.select(URI.create(scheme + "://" + authority));
        for (Proxy p : answer == null ? List.<Proxy>of() : answer) {
            if (p.type() == Proxy.Type.DIRECT) {
                return null;
            }
            if (p.address() instanceof InetSocketAddress a) {
                ProxyType type = p.type() == Proxy.Type.HTTP ? ProxyType.HTTP
                        : properties != null ? properties.socksType() : ProxyType.SOCKS5H;
                return ProxyConfig.of(type, a.getHostString(), a.getPort());
            }
        }
        return null;
    }
}
