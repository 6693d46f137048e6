package dev.multifetch.autoconfigure.http;

import dev.multifetch.autoconfigure.SslBundleTlsConfig;
import dev.multifetch.core.TlsConfig;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.ssl.SslBundle;

/**
 * Spring Boot's {@link HttpClientSettings} as the engine applies them to each request: connect
 * and read timeouts; redirects followed unless {@link HttpRedirects#DONT_FOLLOW} (unset means
 * "follow where the client can", and Boot's own clients then follow); the SSL bundle's trust
 * material, key and protocols as the request's TLS settings, one {@link TlsConfig} per bundle.
 */
final class EngineClientSettings {

    private static final String SSL_BUNDLE_SETTING = "spring.http.clients.ssl.bundle";

    private EngineClientSettings() {
    }

    /**
     * What {@code settings} ask of each request; {@code null} settings are Boot's defaults.
     *
     * @throws UnsupportedHttpClientSettingException if the SSL bundle asks for what the engine
     * cannot do
     */
    static RequestSettings requestSettings(HttpClientSettings settings) {
        HttpClientSettings given = (settings != null) ? settings : HttpClientSettings.defaults();
        return new RequestSettings(given.connectTimeout(), given.readTimeout(),
                given.redirects() != HttpRedirects.DONT_FOLLOW, tls(given.sslBundle()));
    }

    private static TlsConfig tls(SslBundle bundle) {
        if (bundle == null) {
            return null;
        }
        try {
            return SslBundleTlsConfig.of(bundle);
        }
        catch (IllegalArgumentException ex) {
            throw new UnsupportedHttpClientSettingException(SSL_BUNDLE_SETTING,
                    "The SSL bundle configured for Spring's HTTP clients cannot be used by the multifetch engine: "
                            + ex.getMessage(),
                    ex);
        }
    }
}
