package dev.multifetch.sample.guard;

import java.util.HashSet;

import dev.multifetch.autoconfigure.MultifetchOptionsCustomizer;
import dev.multifetch.sample.SampleProperties;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the {@link SsrfGuard} on the auto-configured engine as its connect policy, and tells it
 * every port this app listens on (the server's, and the management server's when it has its own)
 * so the app never fetches itself.
 */
@Configuration(proxyBeanMethods = false)
final class GuardConfiguration {

    @Bean
    SsrfGuard ssrfGuard(SampleProperties properties) {
        return new SsrfGuard(properties.isAllowPrivateNetworks(), properties.getAllow(), properties.getDeny());
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
