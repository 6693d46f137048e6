package dev.multifetch.core;

import java.net.ProxySelector;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Where a multi handle's requests go through a proxy, and how, with curl's semantics. The proxy
 * for a request is, first found wins: the request's own ({@link FetchRequest.Builder#proxy},
 * {@code ""} for none), this {@link #proxy()} ({@link ProxyConfig#NONE} for none, which also
 * stops the lookups below), the {@link #proxySelector()}, the JVM's proxy properties when
 * {@link #systemProperties()} is set, the environment when {@link #environment()} is set. The
 * {@link #noProxy()} list (curl's NO_PROXY rules) sends matching hosts direct whichever source
 * named the proxy; without it, the environment's {@code no_proxy} and the properties'
 * {@code http.nonProxyHosts} apply to their own sources. Immutable; the password never appears in
 * {@link #toString()}.
 *
 * <p>libcurl: {@code CURLOPT_PROXY}, {@code _NOPROXY}, {@code _PROXYUSERNAME}/{@code _PROXYPASSWORD},
 * {@code _HTTPPROXYTUNNEL}, the {@code PROXY_*} TLS options, and the {@code *_proxy} environment.
 */
public final class ProxySettings {

    /** No proxy, and no source of one consulted. */
    public static final ProxySettings NONE = builder().build();

    private final ProxyConfig proxy;
    private final String noProxy;
    private final String username;
    private final String password;
    private final boolean tunnel;
    private final TlsConfig tls;
    private final ProxySelector proxySelector;
    private final Map<String, String> environment;
    private final Properties systemProperties;

    private ProxySettings(Builder b) {
        this.proxy = b.proxy;
        this.noProxy = b.noProxy;
        this.username = b.username;
        this.password = b.password;
        this.tunnel = b.tunnel;
        this.tls = b.tls;
        this.proxySelector = b.proxySelector;
        this.environment = b.environment == null ? null : Map.copyOf(b.environment);
        this.systemProperties = b.systemProperties;
    }

    /** A builder with no proxy. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.proxy = proxy;
        b.noProxy = noProxy;
        b.username = username;
        b.password = password;
        b.tunnel = tunnel;
        b.tls = tls;
        b.proxySelector = proxySelector;
        b.environment = environment;
        b.systemProperties = systemProperties;
        return b;
    }

    /** The proxy set explicitly, {@link ProxyConfig#NONE}, or null when not set. */
    public ProxyConfig proxy() {
        return proxy;
    }

    /** curl's NO_PROXY list, or null when not set. */
    public String noProxy() {
        return noProxy;
    }

    /** The user name for proxies whose URL has none, or null. */
    public String username() {
        return username;
    }

    /** The password for proxies whose URL has none, or null. */
    public String password() {
        return password;
    }

    /** Whether plain http goes through a CONNECT tunnel too, not forwarded. libcurl: CURLOPT_HTTPPROXYTUNNEL. */
    public boolean tunnel() {
        return tunnel;
    }

    /** How an https proxy is verified; {@link TlsConfig#DEFAULT} (verified with the JDK's trust) unless set. */
    public TlsConfig tls() {
        return tls != null ? tls : TlsConfig.DEFAULT;
    }

    /** The selector asked for a proxy when none is set explicitly, or null. */
    public ProxySelector proxySelector() {
        return proxySelector;
    }

    /** The environment read as curl reads it, or null when the environment is not consulted. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The JVM properties read for a proxy ({@code http.proxyHost}, ...), or null when not consulted. */
    public Properties systemProperties() {
        return systemProperties;
    }

    /** Whether any source of a proxy is set. */
    public boolean isEmpty() {
        return proxy == null && proxySelector == null && environment == null && systemProperties == null;
    }

    @Override
    public String toString() {
        return "ProxySettings[proxy=" + proxy + ", noProxy=" + noProxy + ", username=" + username
                + ", password=" + (password == null ? "null" : "****") + ", tunnel=" + tunnel
                + ", tls=" + (tls == null ? "default" : "custom") + ", proxySelector=" + proxySelector
                + ", environment=" + (environment != null) + ", systemProperties=" + (systemProperties != null) + "]";
    }

    /** Builds {@link ProxySettings}. */
    public static final class Builder {

        private ProxyConfig proxy;
        private String noProxy;
        private String username;
        private String password;
        private boolean tunnel;
        private TlsConfig tls;
        private ProxySelector proxySelector;
        private Map<String, String> environment;
        private Properties systemProperties;

        private Builder() {
        }

        /**
         * The proxy URL ({@code [scheme://][user:password@]host[:port]}); {@code ""} for none (the
         * other sources are not consulted then). A bad URL fails here, naming what is wrong.
         */
        public Builder url(String value) {
            this.proxy = ProxyConfig.parse(value);
            return this;
        }

        /** The proxy; {@link ProxyConfig#NONE} for none, null to consult the other sources. */
        public Builder proxy(ProxyConfig value) {
            this.proxy = value;
            return this;
        }

        /** curl's NO_PROXY list: hosts, domain suffixes, {@code *}, IP addresses and CIDR ranges, comma separated. */
        public Builder noProxy(String value) {
            this.noProxy = value;
            return this;
        }

        /** The user name for proxies whose URL names none. */
        public Builder username(String value) {
            this.username = value;
            return this;
        }

        /** The password for proxies whose URL names none. */
        public Builder password(String value) {
            this.password = value;
            return this;
        }

        /** Tunnels plain http through CONNECT too. libcurl: CURLOPT_HTTPPROXYTUNNEL. */
        public Builder tunnel(boolean value) {
            this.tunnel = value;
            return this;
        }

        /** How an https proxy is verified (its own trust, apart from the origins'). */
        public Builder tls(TlsConfig value) {
            this.tls = Objects.requireNonNull(value, "proxy tls");
            return this;
        }

        /**
         * A selector asked for the proxy of each URL when none is set explicitly: its first HTTP
         * or SOCKS entry is used (SOCKS as socks5h, or socks4a when the consulted system
         * properties say {@code socksProxyVersion=4}), DIRECT means none, and no source after
         * it is consulted. Called on the driving thread: it must not block.
         */
        public Builder proxySelector(ProxySelector value) {
            this.proxySelector = value;
            return this;
        }

        /** Reads this process's environment as curl does ({@code http_proxy}, {@code https_proxy}, {@code all_proxy}, {@code no_proxy}). */
        public Builder useEnvironment() {
            return useEnvironment(System.getenv());
        }

        /** Reads {@code env} as curl reads the environment; null to not consult one. */
        public Builder useEnvironment(Map<String, String> env) {
            this.environment = env;
            return this;
        }

        /** Reads the JVM's proxy properties ({@code http(s).proxyHost}, {@code http.nonProxyHosts}, {@code socksProxyHost}). */
        public Builder useSystemProperties() {
            return useSystemProperties(System.getProperties());
        }

        /** Reads {@code properties} as the JVM's proxy properties; null to not consult them. */
        public Builder useSystemProperties(Properties properties) {
            this.systemProperties = properties;
            return this;
        }

        /** Builds the settings. */
        public ProxySettings build() {
            return new ProxySettings(this);
        }
    }
}
