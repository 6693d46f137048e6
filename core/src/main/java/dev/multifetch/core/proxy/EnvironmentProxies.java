package dev.multifetch.core.proxy;

import dev.multifetch.core.ProxyConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy the environment names for a scheme, read as curl reads it: for http only the
 * lower-case {@code http_proxy} (the upper-case one is ignored, "httpoxy": in CGI a request's
 * {@code Proxy:} header becomes {@code HTTP_PROXY}); for https {@code https_proxy}, then
 * {@code HTTPS_PROXY}; then {@code all_proxy}, then {@code ALL_PROXY}. An empty value counts as
 * unset. {@code no_proxy}, then {@code NO_PROXY}, is the bypass list. Each scheme's variable is
 * parsed once; thread-safe.
 *
 * <p>curl: lib/proxy.c {@code proxy_detect_proxy()}, {@code proxy_do_not_proxy()}.
 */
final class EnvironmentProxies {

    private final Map<String, String> env;
    private final NoProxy noProxy;
    private final Map<String, Found> byScheme = new ConcurrentHashMap<>();

    EnvironmentProxies(Map<String, String> env) {
        this.env = env;
        String list = value("no_proxy");
        this.noProxy = NoProxy.parse(list != null ? list : value("NO_PROXY"));
    }

    /**
     * The proxy for {@code scheme}, without the settings' credentials, or null when no variable
     * names one. A value that is not a proxy URL is an {@link IllegalArgumentException} naming
     * the variable and what is wrong, never the value's credentials.
     */
    ProxyConfig proxyFor(String scheme) {
        return byScheme.computeIfAbsent(scheme.toLowerCase(Locale.ROOT), this::find).proxy();
    }

    /** Whether {@code no_proxy} (or {@code NO_PROXY}) sends {@code host} direct. */
    boolean bypasses(String host) {
        return noProxy.matches(host);
    }

    private Found find(String scheme) {
        for (String name : names(scheme)) {
            String value = value(name);
            if (value != null) {
                try {
                    return new Found(ProxyConfig.parse(value));
                } catch (IllegalArgumentException e) {
                    // ProxyConfig's messages never carry a password, so quoting them here is safe
                    throw new IllegalArgumentException("environment variable " + name + ": " + e.getMessage(), e);
                }
            }
        }
        return new Found(null);
    }

    /** The variables curl reads for {@code scheme} (lower case), first found wins. */
    private static List<String> names(String scheme) {
        List<String> names = new ArrayList<>();
        boolean https = scheme.equals("https") || scheme.equals("wss");
        boolean http = scheme.equals("http") || scheme.equals("ws");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            names.add(scheme + "_proxy");
            names.add(scheme.toUpperCase(Locale.ROOT) + "_PROXY");
        }
        if (https) {
            names.add("https_proxy");
            names.add("HTTPS_PROXY");
        } else if (http) {
            names.add("http_proxy");
        }
        names.add("all_proxy");
        names.add("ALL_PROXY");
        return names;
    }

    /** The variable's value, or null when it is unset, empty or blank. */
    private String value(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** What the environment names for one scheme: a proxy, or null for none. */
    private record Found(ProxyConfig proxy) {
    }
}
