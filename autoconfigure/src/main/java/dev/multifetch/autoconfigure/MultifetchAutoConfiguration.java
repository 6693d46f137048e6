package dev.multifetch.autoconfigure;

import java.net.ProxySelector;
import java.util.List;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.ProxySettings;
import dev.multifetch.core.TlsConfig;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
 *
 * <p>{@code multifetch.proxy.*} sets the engine's proxy ({@link MultifetchProxyProperties}), with
 * {@code multifetch.proxy.ssl.bundle} for an https proxy's trust; without
 * {@code multifetch.proxy.url}, a {@link ProxySelector} bean, when there is one, is asked for each
 * request's proxy. With the actuator, its {@code configprops} and {@code env} endpoints mask the
 * proxy's password.
 *
 * <p>{@code multifetch.politeness.*} paces request starts per host and blocks a host that answers
 * 429 or 503 with {@code Retry-After} ({@link MultifetchPolitenessProperties});
 * {@code multifetch.retry.*} is the retry policy of requests that set none
 * ({@link MultifetchRetryProperties}). The {@link HostHolds} bean hears which hosts are held now,
 * for the health indicator, the meters and your own dashboards.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@EnableConfigurationProperties(MultifetchProperties.class)
public final class MultifetchAutoConfiguration {

    private static final String SSL_BUNDLE_PROPERTY = "multifetch.ssl.bundle";

    private static final String PROXY_SSL_BUNDLE_PROPERTY = "multifetch.proxy.ssl.bundle";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    FetchEngine fetchEngine(MultifetchProperties properties, ObjectProvider<FetchListener> listeners,
            ObjectProvider<SslBundles> sslBundles, ObjectProvider<MultifetchOptionsCustomizer> optionsCustomizers,
            ObjectProvider<MultifetchEngineCustomizer> engineCustomizers, ObjectProvider<ProxySelector> proxySelectors) {
        MultiOptions.Builder options = properties.toOptionsBuilder()
            .listener(CompositeFetchListener.of(listeners.orderedStream().toList()))
            .proxy(proxySettings(properties.getProxy(), sslBundles, proxySelectors));
        String bundle = properties.getSsl().getBundle();
        if (StringUtils.hasText(bundle)) {
            options.tls(bundleTls(SSL_BUNDLE_PROPERTY, bundle, sslBundles.getIfAvailable()));
        }
        optionsCustomizers.orderedStream().forEach((customizer) -> customizer.customize(options));
        FetchEngine.Builder builder = FetchEngine.builder()
            .options(options.build())
            .shutdownGrace(properties.getShutdownGrace());
        engineCustomizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
        return builder.build();
    }

    /**
     * The engine's proxy: the properties, the proxy's TLS from its bundle, and the context's
     * {@link ProxySelector} when the properties name no proxy URL.
     */
    private static ProxySettings proxySettings(MultifetchProxyProperties proxy, ObjectProvider<SslBundles> sslBundles,
            ObjectProvider<ProxySelector> proxySelectors) {
        ProxySettings.Builder settings = proxy.toSettingsBuilder();
        String bundle = proxy.getSsl().getBundle();
        if (StringUtils.hasText(bundle)) {
            settings.tls(bundleTls(PROXY_SSL_BUNDLE_PROPERTY, bundle, sslBundles.getIfAvailable()));
        }
        if (proxy.getUrl() == null) {
            proxySelectors.ifUnique(settings::proxySelector);
        }
        return settings.build();
    }

    /** TLS settings from the bundle {@code property} names; a missing or unusable one fails naming the property. */
    private static TlsConfig bundleTls(String property, String name, SslBundles sslBundles) {
        List<String> defined = (sslBundles != null) ? sslBundles.getBundleNames() : List.of();
        if (!defined.contains(name)) {
            throw new InvalidSslBundleException(property, name, true, property
                    + " names the SSL bundle '" + name + "', which is not defined "
                    + (defined.isEmpty() ? "(no bundle is)" : "(defined: " + String.join(", ", defined) + ")"), null);
        }
        try {
            return SslBundleTlsConfig.of(sslBundles.getBundle(name));
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidSslBundleException(property, name, false, property
                    + " names the SSL bundle '" + name + "', which the engine cannot use: " + ex.getMessage(), ex);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    HostHolds multifetchHostHolds() {
        return new HostHolds();
    }

    @Bean
    FetchEngineLifecycle fetchEngineLifecycle(ObjectProvider<FetchEngine> engines) {
        return new FetchEngineLifecycle(engines);
    }

    /**
     * With the actuator: {@code configprops} and {@code env} show {@code multifetch.proxy.password}
     * masked and {@code multifetch.proxy.url} without its user information, whatever
     * {@code show-values} says (Boot masks no key by name on its own).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SanitizingFunction.class)
    static class ProxyCredentialsSanitizing {

        @Bean
        SanitizingFunction multifetchProxyCredentialsSanitizer() {
            return (data) -> data.withValue(ProxyCredentials.shown(data.getKey(), data.getValue()));
        }
    }
}
