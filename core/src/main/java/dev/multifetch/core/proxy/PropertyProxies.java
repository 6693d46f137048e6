package dev.multifetch.core.proxy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyType;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * The proxy the JVM's proxy properties name for a scheme: {@code http.proxyHost}/{@code Port}
 * (port 80) for http, {@code https.proxyHost}/{@code Port} (443) for https, and otherwise
 * {@code socksProxyHost}/{@code Port} (1080) as socks5h, or socks4a when
 * {@code socksProxyVersion} is 4. Unlike the JDK's HttpClient, which drops a SOCKS proxy and goes
 * direct, the SOCKS proxy is used. Credentials come from {@code java.net.socks.username} and
 * {@code password} for SOCKS, and from the de-facto {@code http.proxyUser}/{@code proxyPassword}
 * ({@code https.} for https) for an HTTP proxy. An empty value counts as unset. The properties
 * are read live on each call (they may be {@code System.getProperties()}); a bypass list is
 * parsed again only when its text changes. Thread-safe.
 *
 * <p>JDK: {@code sun.net.spi.DefaultProxySelector}, java/net/doc-files/net-properties.html.
 */
final class PropertyProxies {

    private final Properties properties;
    private final ParsedList httpBypass = new ParsedList("http.nonProxyHosts");
    private final ParsedList socksBypass = new ParsedList("socksNonProxyHosts");

    PropertyProxies(Properties properties) {
        this.properties = properties;
    }

    /** The proxy the properties name for {@code scheme}, with their credentials, or null for none. */
    ProxyConfig proxyFor(String scheme) {
        String prefix = scheme.toLowerCase(Locale.ROOT);
        if (prefix.equals("http") || prefix.equals("https")) {
            String host = value(prefix + ".proxyHost");
            if (host != null) {
                int defaultPort = prefix.equals("https") ? 443 : 80;
                ProxyConfig proxy = ProxyConfig.of(ProxyType.HTTP, host, port(prefix + ".proxyPort", defaultPort));
                return credentials(proxy, prefix + ".proxyUser", prefix + ".proxyPassword");
            }
        }
        String socksHost = value("socksProxyHost");
        if (socksHost == null) {
            return null;
        }
        ProxyConfig socks = ProxyConfig.of(socksType(), socksHost, port("socksProxyPort", 1080));
        return credentials(socks, "java.net.socks.username", "java.net.socks.password");
    }

    /**
     * Whether {@code host} goes direct around {@code proxy}: {@code http.nonProxyHosts} for an
     * HTTP proxy, {@code socksNonProxyHosts} for SOCKS, each read as the JDK reads it.
     */
    boolean bypasses(ProxyConfig proxy, String host) {
        ParsedList list = proxy.type().isSocks() ? socksBypass : httpBypass;
        return list.current().matches(host);
    }

    /** SOCKS4A when {@code socksProxyVersion} is 4, else SOCKS5H: the proxy resolves names either way. */
    ProxyType socksType() {
        return "4".equals(value("socksProxyVersion")) ? ProxyType.SOCKS4A : ProxyType.SOCKS5H;
    }

    private ProxyConfig credentials(ProxyConfig proxy, String userProperty, String passwordProperty) {
        String user = value(userProperty);
        return user == null ? proxy : proxy.withCredentials(user, properties.getProperty(passwordProperty));
    }

    /** The port in {@code name}; absent, empty or 0 (as the JDK) is {@code defaultPort}. */
    private int port(String name, int defaultPort) {
        String text = value(name);
        if (text == null) {
            return defaultPort;
        }
        int port;
        try {
            port = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + name + " is not a port number: \"" + text + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("system property " + name + " is not a port from 1 to 65535: " + port);
        }
        return port == 0 ? defaultPort : port;
    }

    /** The property's value, or null when it is unset or empty. */
    private String value(String name) {
        String v = properties.getProperty(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /** A bypass list property with the parse of its last seen text, kept until the text changes. */
    private final class ParsedList {

        private final String property;
        private volatile Snapshot last;

        ParsedList(String property) {
            this.property = property;
        }

        NonProxyHosts current() {
            String text = properties.getProperty(property);
            Snapshot s = last;
            if (s == null || !Objects.equals(s.text, text)) {
                s = new Snapshot(text, NonProxyHosts.ofProperty(text));
                last = s;
            }
            return s.hosts;
        }
    }

    private record Snapshot(String text, NonProxyHosts hosts) {
    }
}
