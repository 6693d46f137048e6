package dev.multifetch.autoconfigure;

import dev.multifetch.autoconfigure.http.MultifetchHttpClientAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

/** The failure analyzers as a real application reports them: registered, and chosen over Boot's. */
@ExtendWith(OutputCaptureExtension.class)
class MultifetchFailureAnalyzersTests {

    @Test
    void whenPropertyInvalidThenStartupReportNamesPropertyValueAndReason(CapturedOutput output) {
        assertThatThrownBy(() -> run(EngineOnly.class, "--multifetch.max-host-connections=-1"));
        assertThat(output).contains("Invalid multifetch configuration:")
            .contains("Property: multifetch.max-host-connections")
            .contains("Value: \"-1\"")
            .contains("Reason: maxHostConnections < 0: -1")
            .contains("Update the property in your application's configuration");
    }

    @Test
    void whenRestClientMustFollowRedirectsThenStartupReportSaysTheEngineCannotYet(CapturedOutput output) {
        assertThatThrownBy(() -> run(WithRestClient.class, "--spring.http.clients.redirects=follow"));
        assertThat(output).contains("the multifetch engine does not follow redirects yet")
            .contains("Remove spring.http.clients.redirects");
    }

    private static void run(Class<?> configuration, String... args) {
        SpringApplication application = new SpringApplication(configuration);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.run(args).close();
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(MultifetchAutoConfiguration.class)
    static class EngineOnly {
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ MultifetchAutoConfiguration.class, MultifetchHttpClientAutoConfiguration.class,
            HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
            RestClientAutoConfiguration.class })
    static class WithRestClient {

        @Bean
        RestClient restClient(RestClient.Builder builder) {
            return builder.build();
        }
    }
}
