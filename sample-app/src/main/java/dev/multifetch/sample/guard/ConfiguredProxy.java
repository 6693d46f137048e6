package dev.multifetch.sample.guard;

import java.util.Optional;

import dev.multifetch.autoconfigure.MultifetchProxyProperties;
import dev.multifetch.core.ProxyConfig;

/**
 * The proxy the operator named in {@code multifetch.proxy.url}, as the {@link SsrfGuard} and the
 * dashboard see it: type, host and port, never the credentials; and whether it is trusted to
 * resolve target names itself ({@code multifetch.sample.trusted-proxy}).
 *
 * @param proxy the proxy without credentials, or {@code null} when none is named
 * @param trusted whether targets the proxy resolves itself may go through it
 */
public record ConfiguredProxy(ProxyConfig proxy, boolean trusted) {

    /** No proxy named. */
    public static final ConfiguredProxy NONE = new ConfiguredProxy(null, false);

    /** The proxy {@code properties} name (their URL was checked when they were bound), trusted or not. */
    public static ConfiguredProxy of(MultifetchProxyProperties properties, boolean trusted) {
        String url = properties.getUrl();
        ProxyConfig parsed = (url != null) ? ProxyConfig.parse(url) : ProxyConfig.NONE;
        if (parsed.isNone()) {
            return new ConfiguredProxy(null, trusted);
        }
        return new ConfiguredProxy(ProxyConfig.of(parsed.type(), parsed.host(), parsed.port()), trusted);
    }

    /** Whether {@code candidate} is this proxy: same type, host and port, whatever its credentials. */
    public boolean is(ProxyConfig candidate) {
        return this.proxy != null && candidate.type() == this.proxy.type() && candidate.host().equals(this.proxy.host())
                && candidate.port() == this.proxy.port();
    }

    /** {@code scheme://host:port}, or {@code null} when no proxy is named. */
    public String display() {
        return (this.proxy != null) ? this.proxy.display() : null;
    }

    /**
     * The line logged at startup when a proxy is named: whether the targets it would resolve
     * itself are refused or trusted to it. Empty when none is named.
     */
    public Optional<String> startupMessage() {
        if (this.proxy == null) {
            return Optional.empty();
        }
        String modes = "targets that the proxy resolves itself (http and https proxies, socks4a, socks5h)";
        return Optional.of("Fetching through the proxy " + display() + " (multifetch.proxy.url): " + (this.trusted
                ? modes + " are trusted to it (multifetch.sample.trusted-proxy=true), which must check every address it"
                        + " connects to, as an egress guard such as smokescreen does"
                : modes + " are refused by the SSRF guard; set multifetch.sample.trusted-proxy=true if the proxy is an"
                        + " egress guard that checks every address it connects to"));
    }
}
