package dev.multifetch.autoconfigure;

import java.util.Locale;

/**
 * Keeps the proxy's password out of what the application shows: reports of a rejected
 * {@code multifetch.proxy.url}, {@link MultifetchProxyProperties#toString()}, and the actuator's
 * {@code configprops} and {@code env} (through a {@code SanitizingFunction}, which Boot applies
 * even with {@code show-values=always}).
 */
final class ProxyCredentials {

    /** What stands for a secret, as Boot's sanitizer writes it. */
    static final String MASK = "******";

    private static final String URL_PROPERTY = "multifetch.proxy.url";

    private static final String PASSWORD_PROPERTY = "multifetch.proxy.password";

    private ProxyCredentials() {
    }

    /**
     * {@code url} with its user information (all before the last {@code @}, after the scheme)
     * masked, as core reads it: {@code http://******@proxy:3128}; the URL itself when it has none.
     */
    static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        int schemeEnd = url.indexOf("://");
        int start = (schemeEnd >= 0 && schemeEnd < at) ? schemeEnd + 3 : 0;
        return url.substring(0, start) + MASK + url.substring(at);
    }

    /**
     * {@code value} as it may be shown under the property {@code key}, in any of its forms
     * ({@code multifetch.proxy.password}, {@code MULTIFETCH_PROXY_PASSWORD}): the password
     * masked, the URL without its user information, anything else as it is.
     */
    static Object shown(String key, Object value) {
        if (key == null || value == null) {
            return value;
        }
        String name = key.toLowerCase(Locale.ROOT).replace('_', '.').replace("-", "");
        if (name.equals(PASSWORD_PROPERTY)) {
            return MASK;
        }
        if (name.equals(URL_PROPERTY)) {
            return maskUrl(value.toString());
        }
        return value;
    }
}
