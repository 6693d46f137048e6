package dev.multifetch.autoconfigure;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxySettings;

import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;

/**
 * Settings of the engine's proxy, bound from {@code multifetch.proxy.*} as a part of
 * {@link MultifetchProperties}, with curl's semantics ({@link ProxySettings}). The password never
 * leaves this class in clear: not in {@link #toString()}, not in a validation error, and the
 * actuator's {@code configprops} and {@code env} mask it ({@link ProxyCredentials}).
 */
public class MultifetchProxyProperties {

    /**
     * Proxy of every request, as curl's CURLOPT_PROXY: [scheme://][user:password@]host[:port],
     * scheme http (the default), https, socks4, socks4a, socks5 or socks5h, port 80, 443 or 1080
     * by scheme when absent. An empty value means no proxy, and the environment, JVM properties
     * and ProxySelector bean are then not consulted either. Unset to consult them.
     */
    private String url;

    /**
     * Hosts that bypass the proxy, curl's NO_PROXY rules: comma-separated host names (matching
     * the host and its subdomains; a leading dot is ignored), IP addresses and CIDR ranges, or *
     * for every host. Names are never looked up to match. Applies whichever source named the
     * proxy.
     */
    private String noProxy;

    /** User name for a proxy whose URL names none. */
    private String username;

    /** Password for a proxy whose URL names none; never shown in logs or actuator output. */
    private String password;

    /**
     * Whether plain http requests also go through a CONNECT tunnel rather than being forwarded
     * to an HTTP proxy (curl's --proxytunnel). https always tunnels.
     */
    private boolean tunnel = false;

    /**
     * Whether to read the proxy from the environment as curl does (http_proxy, https_proxy or
     * HTTPS_PROXY, all_proxy, no_proxy or NO_PROXY) when url is unset. Off by default: the
     * environment of a process is not always its operator's.
     */
    private boolean useEnvironment = false;

    /**
     * Whether to read the proxy from the JVM's properties (http.proxyHost, https.proxyHost,
     * http.nonProxyHosts, socksProxyHost and their ports) when url is unset; SOCKS is used, not
     * dropped.
     */
    private boolean useSystemProperties = false;

    private final Ssl ssl = new Ssl();

    public String getUrl() {
        return this.url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getNoProxy() {
        return this.noProxy;
    }

    public void setNoProxy(String noProxy) {
        this.noProxy = noProxy;
    }

    public String getUsername() {
        return this.username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return this.password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public boolean isTunnel() {
        return this.tunnel;
    }

    public void setTunnel(boolean tunnel) {
        this.tunnel = tunnel;
    }

    public boolean isUseEnvironment() {
        return this.useEnvironment;
    }

    public void setUseEnvironment(boolean useEnvironment) {
        this.useEnvironment = useEnvironment;
    }

    public boolean isUseSystemProperties() {
        return this.useSystemProperties;
    }

    public void setUseSystemProperties(boolean useSystemProperties) {
        this.useSystemProperties = useSystemProperties;
    }

    public Ssl getSsl() {
        return this.ssl;
    }

    /**
     * The proxy settings these properties describe, without the proxy's TLS and a
     * {@code ProxySelector}, which come from the application context.
     *
     * @throws IllegalArgumentException if the URL is not one a proxy can have
     */
    ProxySettings.Builder toSettingsBuilder() {
        ProxySettings.Builder settings = ProxySettings.builder()
            .noProxy(this.noProxy)
            .username(this.username)
            .password(this.password)
            .tunnel(this.tunnel);
        if (this.url != null) {
            settings.url(this.url);
        }
        if (this.useEnvironment) {
            settings.useEnvironment();
        }
        if (this.useSystemProperties) {
            settings.useSystemProperties();
        }
        return settings;
    }

    /**
     * Rejects a URL core cannot parse, and a password without a user name (core would drop it
     * unheard). Fields are named from {@code multifetch}; a rejected URL is shown without its
     * user information.
     */
    void validate(Errors errors) {
        if (this.url != null) {
            try {
                ProxyConfig.parse(this.url);
            }
            catch (IllegalArgumentException ex) {
                reject(errors, "proxy.url", ProxyCredentials.maskUrl(this.url), ex.getMessage());
            }
        }
        if (this.password != null && this.username == null) {
            reject(errors, "proxy.password", ProxyCredentials.MASK,
                    "needs multifetch.proxy.username (a password alone is never sent)");
        }
    }

    /**
     * Rejects {@code field} showing {@code shown} as its value: {@link Errors#rejectValue} would
     * read the field itself, and so carry a password into the error and every log of it.
     */
    private static void reject(Errors errors, String field, String shown, String reason) {
        if (errors instanceof BindingResult result) {
            result.addError(new FieldError(result.getObjectName(), field, shown, false,
                    result.resolveMessageCodes("invalid", field), null, reason));
        }
        else {
            errors.reject("invalid", field + ": " + reason);
        }
    }

    @Override
    public String toString() {
        return "MultifetchProxyProperties[url=" + ProxyCredentials.maskUrl(this.url) + ", noProxy=" + this.noProxy
                + ", username=" + this.username + ", password=" + ((this.password != null) ? ProxyCredentials.MASK : null)
                + ", tunnel=" + this.tunnel + ", useEnvironment=" + this.useEnvironment + ", useSystemProperties="
                + this.useSystemProperties + ", ssl.bundle=" + this.ssl.getBundle() + "]";
    }

    /** TLS settings of an https proxy. */
    public static class Ssl {

        /**
         * Name of the SSL bundle (spring.ssl.bundle.*) whose trust material and protocols verify
         * an https:// proxy, apart from the origins' trust (multifetch.ssl.bundle). Unset for the
         * JDK's trust store.
         */
        private String bundle;

        public String getBundle() {
            return this.bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }
}
