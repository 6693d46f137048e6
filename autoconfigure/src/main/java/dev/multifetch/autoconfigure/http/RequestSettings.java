package dev.multifetch.autoconfigure.http;

import java.time.Duration;

import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.TlsConfig;

/**
 * What a Spring client applies to each of its requests; a {@code null} timeout or TLS setting
 * leaves the engine's {@code multifetch.*} default in force.
 *
 * @param connectTimeout the connect timeout (name lookup, TCP connect and TLS handshake), positive or {@code null}
 * @param readTimeout the longest silence allowed between response bytes, positive or {@code null}
 * @param followRedirects whether the engine follows redirects (at most 30, as curl)
 * @param tls the TLS settings of https requests, or {@code null} for the engine's
 */
record RequestSettings(Duration connectTimeout, Duration readTimeout, boolean followRedirects, TlsConfig tls) {

    /** The engine's own defaults: its timeouts and TLS settings, redirects not followed. */
    static final RequestSettings ENGINE_DEFAULTS = new RequestSettings(null, null, false, null);

    RequestSettings {
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("readTimeout", readTimeout);
    }

    /** The engine has no "infinite" to map a zero to, so only positive values are taken. */
    private static void requirePositive(String name, Duration timeout) {
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException(name + " must be positive: " + timeout
                    + " (leave it unset for the engine's own multifetch.* default)");
        }
    }

    /** Sets what these settings set on {@code request}. */
    void applyTo(FetchRequest.Builder request) {
        if (this.connectTimeout != null) {
            request.connectTimeout(this.connectTimeout);
        }
        if (this.readTimeout != null) {
            request.readTimeout(this.readTimeout);
        }
        if (this.followRedirects) {
            request.followRedirects();
        }
        if (this.tls != null) {
            request.tls(this.tls);
        }
    }
}
