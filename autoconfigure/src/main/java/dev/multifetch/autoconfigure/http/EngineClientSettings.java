package dev.multifetch.autoconfigure.http;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;

/**
 * The part of Spring Boot's {@link HttpClientSettings} that the engine honours: connect and read
 * timeouts, applied to each request. Redirects are not followed, which is what
 * {@link HttpRedirects#DONT_FOLLOW} asks and {@link HttpRedirects#FOLLOW_WHEN_POSSIBLE} allows;
 * {@link HttpRedirects#FOLLOW} and an SSL bundle are refused with an
 * {@link UnsupportedHttpClientSettingException}, since the engine has neither redirects nor TLS
 * yet.
 */
final class EngineClientSettings {

    private EngineClientSettings() {
    }

    /** The timeouts {@code settings} ask for; {@code null} settings are Boot's defaults. */
    static RequestTimeouts timeouts(HttpClientSettings settings) {
        HttpClientSettings given = (settings != null) ? settings : HttpClientSettings.defaults();
        if (given.sslBundle() != null) {
            throw new UnsupportedHttpClientSettingException("spring.http.clients.ssl.bundle",
                    "An SSL bundle is configured for Spring's HTTP clients, but the multifetch engine does not "
                            + "support TLS yet");
        }
        if (given.redirects() == HttpRedirects.FOLLOW) {
            throw new UnsupportedHttpClientSettingException("spring.http.clients.redirects",
                    "Spring's HTTP clients are configured to follow redirects (FOLLOW), but the multifetch engine "
                            + "does not follow redirects yet");
        }
        return new RequestTimeouts(given.connectTimeout(), given.readTimeout());
    }
}
