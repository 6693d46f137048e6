package dev.multifetch.sample.web;

import java.time.Duration;

import dev.multifetch.sample.SampleProperties;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The filters in front of {@code /api/*} (body size first, then the optional API key), the watch on
 * the clients of long calls, and the OpenAPI description.
 */
@Configuration(proxyBeanMethods = false)
final class WebConfiguration {

    private static final String API = "/api/*";

    /** Beats once a second: a client that went away is noticed within about two. */
    @Bean
    CallWatch callWatch() {
        return new CallWatch(Duration.ofSeconds(1));
    }

    @Bean
    ProblemWriter problemWriter(JsonMapper jsonMapper) {
        return new ProblemWriter(jsonMapper);
    }

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(SampleProperties properties, ProblemWriter problems) {
        FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(
                new ApiKeyFilter(properties.getApiKey(), problems));
        registration.addUrlPatterns(API);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(SampleProperties properties, ProblemWriter problems) {
        FilterRegistrationBean<RequestSizeFilter> registration = new FilterRegistrationBean<>(
                new RequestSizeFilter(properties.getLimits().getMaxRequestSize().toBytes(), problems));
        registration.addUrlPatterns(API);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    @Bean
    OpenAPI sampleOpenApi() {
        return new OpenAPI().info(new Info().title("multifetch sample app")
            .version("0.1.0")
            .description("Fetches URLs through the multifetch engine behind an SSRF guard. A target that fails is "
                    + "a 200 with error set; an invalid request is a 400 application/problem+json naming the field and "
                    + "the rule. When multifetch.sample.api-key is set, send it in the X-API-Key header."));
    }
}
