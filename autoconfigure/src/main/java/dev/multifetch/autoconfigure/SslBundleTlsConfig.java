package dev.multifetch.autoconfigure;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import dev.multifetch.core.TlsConfig;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;

/**
 * The engine's {@link TlsConfig} for a Spring Boot {@link SslBundle}: the bundle's
 * {@code SSLContext} (its trust material, and its key for client certificates) and the protocol
 * versions its options enable; host names are verified as for any {@link TlsConfig}. Thread-safe.
 *
 * <p>Each bundle gets one {@link TlsConfig}, made on first use and shared after: the engine pools
 * https connections by their {@link TlsConfig}, so every request with the same bundle can reuse
 * the same connections and TLS sessions. A bundle reloaded by Spring Boot is a new bundle and gets
 * a new {@link TlsConfig}; what was built from the old one keeps it.
 */
public final class SslBundleTlsConfig {

    /** Weak keys: a bundle replaced on reload must not be kept alive here. */
    private static final Map<SslBundle, TlsConfig> CONFIGS = Collections.synchronizedMap(new WeakHashMap<>());

    private SslBundleTlsConfig() {
    }

    /**
     * The {@link TlsConfig} for {@code bundle}, the same one on every call for the same bundle.
     *
     * @throws IllegalArgumentException if the bundle asks for what the engine cannot do: cipher
     * suites of its own, or a protocol other than TLSv1.2 and TLSv1.3
     */
    public static TlsConfig of(SslBundle bundle) {
        return CONFIGS.computeIfAbsent(bundle, SslBundleTlsConfig::create);
    }

    private static TlsConfig create(SslBundle bundle) {
        SslOptions options = bundle.getOptions();
        if (options.getCiphers() != null) {
            throw new IllegalArgumentException("the SSL bundle sets options.ciphers, but the multifetch engine "
                    + "cannot restrict cipher suites yet: remove the option to use the JDK's defaults");
        }
        TlsConfig.Builder tls = TlsConfig.builder().sslContext(bundle.createSslContext());
        String[] protocols = options.getEnabledProtocols();
        if (protocols != null) {
            try {
                tls.protocols(protocols);
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("the SSL bundle's options.enabled-protocols: " + ex.getMessage(), ex);
            }
        }
        return tls.build();
    }
}
