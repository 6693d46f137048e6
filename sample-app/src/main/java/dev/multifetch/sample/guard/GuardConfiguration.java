package dev.multifetch.sample.guard;

import java.util.HashSet;

import dev.multifetch.autoconfigure.MultifetchOptionsCustomizer;
import dev.multifetch.autoconfigure.MultifetchProperties;
import dev.multifetch.autoconfigure.MultifetchProxyProperties;
import dev.multifetch.sample.SampleProperties;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the {@link SsrfGuard} on the auto-configured engine as its connect policy, and tells it
 * every port this app listens on (the server's, and the management server's when it has its own)
 * so the app never fetches itself. The guard allows the proxy named in
 * {@code multifetch.proxy.url} and no other; at startup one line says how far it trusts it.
 */
@Configuration(proxyBeanMethods = false)
final class GuardConfiguration {

    private static final Log logger = LogFactory.getLog(GuardConfiguration.class);

    @Bean
    ConfiguredProxy configuredProxy(MultifetchProperties multifetch, SampleProperties properties) {
        MultifetchProxyProperties proxy = multifetch.getProxy();
        ConfiguredProxy configured = ConfiguredProxy.of(proxy, properties.isTrustedProxy());
        configured.startupMessage().ifPresentOrElse(logger::info, () -> {
            if (proxy.getUrl() == null && (proxy.isUseEnvironment() || proxy.isUseSystemProperties())) {
                logger.warn("multifetch.proxy.use-environment or use-system-properties is on, but the SSRF guard allows"
                        + " only the proxy named in multifetch.proxy.url: fetches through any other proxy are refused");
            }
        });
        return configured;
    }

    @Bean
    SsrfGuard ssrfGuard(SampleProperties properties, ConfiguredProxy proxy) {
        return new SsrfGuard(properties.isAllowPrivateNetworks(), properties.getAllow(), properties.getDeny(), proxy);
    }

    @Bean
    UrlGate urlGate(SsrfGuard guard, SampleProperties properties) {
        return new UrlGate(guard, properties.getLimits().getMaxUrlLength(), new HashSet<>(properties.getAllowedPorts()));
    }

    @Bean
    MultifetchOptionsCustomizer ssrfGuardConnectPolicy(SsrfGuard guard) {
        return (options) -> options.connectPolicy(guard);
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> ssrfGuardSelfPorts(SsrfGuard guard) {
        return (event) -> guard.addSelfPort(event.getWebServer().getPort());
    }
}
