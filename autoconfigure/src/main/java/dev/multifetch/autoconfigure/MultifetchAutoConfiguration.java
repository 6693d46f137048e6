package dev.multifetch.autoconfigure;

import java.util.List;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.TlsConfig;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

/**
 * Auto-configures one {@link FetchEngine}: its selector thread starts with the application
 * context; in the context's shutdown sequence, after the web server has stopped, transfers in
 * flight get {@code multifetch.shutdown-grace} to finish and the rest are aborted.
 *
 * <p>Every {@link FetchListener} bean hears the engine's events (the metrics listener among
 * them); {@link MultifetchOptionsCustomizer} and {@link MultifetchEngineCustomizer} beans adjust
 * the options and the engine builder. {@code multifetch.ssl.bundle} names the SSL bundle that
 * secures the engine's https connections.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@EnableConfigurationProperties(MultifetchProperties.class)
public final class MultifetchAutoConfiguration {

    private static final String SSL_BUNDLE_PROPERTY = "multifetch.ssl.bundle";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    FetchEngine fetchEngine(MultifetchProperties properties, ObjectProvider<FetchListener> listeners,
            ObjectProvider<SslBundles> sslBundles, ObjectProvider<MultifetchOptionsCustomizer> optionsCustomizers,
            ObjectProvider<MultifetchEngineCustomizer> engineCustomizers) {
        MultiOptions.Builder options = properties.toOptionsBuilder()
            .listener(CompositeFetchListener.of(listeners.orderedStream().toList()));
        String bundle = properties.getSsl().getBundle();
        if (StringUtils.hasText(bundle)) {
            options.tls(bundleTls(bundle, sslBundles.getIfAvailable()));
        }
        optionsCustomizers.orderedStream().forEach((customizer) -> customizer.customize(options));
        FetchEngine.Builder builder = FetchEngine.builder()
            .options(options.build())
            .shutdownGrace(properties.getShutdownGrace());
        engineCustomizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
        return builder.build();
    }

    /** The engine's TLS settings from the named bundle; a missing or unusable one fails naming the property. */
    private static TlsConfig bundleTls(String name, SslBundles sslBundles) {
        List<String> defined = (sslBundles != null) ? sslBundles.getBundleNames() : List.of();
        if (!defined.contains(name)) {
            throw new InvalidSslBundleException(SSL_BUNDLE_PROPERTY, name, true, SSL_BUNDLE_PROPERTY
                    + " names the SSL bundle '" + name + "', which is not defined "
                    + (defined.isEmpty() ? "(no bundle is)" : "(defined: " + String.join(", ", defined) + ")"), null);
        }
        try {
            return SslBundleTlsConfig.of(sslBundles.getBundle(name));
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidSslBundleException(SSL_BUNDLE_PROPERTY, name, false, SSL_BUNDLE_PROPERTY
                    + " names the SSL bundle '" + name + "', which the engine cannot use: " + ex.getMessage(), ex);
        }
    }

    @Bean
    FetchEngineLifecycle fetchEngineLifecycle(ObjectProvider<FetchEngine> engines) {
        return new FetchEngineLifecycle(engines);
    }
}
