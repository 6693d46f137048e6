package dev.multifetch.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import dev.multifetch.autoconfigure.http.MultifetchHttpClientAutoConfiguration;
import dev.multifetch.autoconfigure.testing.PemFiles;
import dev.multifetch.autoconfigure.testing.RecordingFailureAnalysisReporter;
import dev.multifetch.core.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure analyzers as a real application reports them: registered, and chosen over Boot's.
 * The reports are recorded ({@link RecordingFailureAnalysisReporter}), not printed into the build log.
 */
class MultifetchFailureAnalyzersTests {

    @Test
    void whenPropertyInvalidThenStartupReportNamesPropertyValueAndReason() {
        String report = RecordingFailureAnalysisReporter.reportOf(() -> run(EngineOnly.class, "--multifetch.max-host-connections=-1"));
        assertThat(report).contains("Invalid multifetch configuration:")
            .contains("Property: multifetch.max-host-connections")
            .contains("Value: \"-1\"")
            .contains("Reason: must be at least 0")
            .doesNotContain("maxHostConnections")
            .contains("Update the property in your application's configuration");
    }

    @Test
    void whenDurationOrSizeInvalidThenStartupReportShowsTheValueAsWrittenAndNoJavaNames() {
        String report = RecordingFailureAnalysisReporter.reportOf(() -> run(EngineOnly.class, "--multifetch.connect-timeout=-5s", "--multifetch.max-body-size=-1"));
        assertThat(report).contains("Property: multifetch.connect-timeout")
            .contains("Value: \"-5s\"")
            .contains("Property: multifetch.max-body-size")
            .contains("Value: \"-1\"")
            .contains("Origin: \"multifetch.connect-timeout\" from property source \"commandLineArgs\"")
            .doesNotContain("PT-5S")
            .doesNotContain("-1B")
            .doesNotContain("connectTimeout")
            .doesNotContain("maxBodySize");
    }

    @Test
    void whenHttpVersionUnknownThenStartupReportListsTheValidNames() {
        String report = RecordingFailureAnalysisReporter.reportOf(() -> run(EngineOnly.class, "--multifetch.http-version=http3"));
        assertThat(report).contains("Property: multifetch.http-version")
            .contains("Value: \"http3\"")
            .contains("Reason: \"http3\" is not one of http1.1, http2, http2-prior-knowledge");
    }

    @Test
    void whenPolitenessOrRetryInvalidThenStartupReportNamesEachPropertyAsWritten() {
        String report = RecordingFailureAnalysisReporter.reportOf(() -> run(EngineOnly.class,
                "--multifetch.politeness.min-interval=-5s", "--multifetch.politeness.key=host",
                "--multifetch.politeness.hosts[0].pattern=api.example", "--multifetch.politeness.hosts[0].rate=ten",
                "--multifetch.retry.max-retries=500"));
        assertThat(report).contains("Property: multifetch.politeness.min-interval")
            .contains("Value: \"-5s\"")
            .contains("Reason: must be at least 0")
            .contains("Property: multifetch.politeness.key")
            .contains("Reason: \"host\" is not one of origin, domain, ip")
            .contains("Property: multifetch.politeness.hosts[0].rate")
            .contains("Value: \"ten\"")
            .contains("Property: multifetch.retry.max-retries")
            .contains("Reason: must be 0 to 100")
            .doesNotContain("PT-5S")
            .doesNotContain("minInterval");
    }

    @Test
    void whenProxyUrlInvalidThenStartupReportNamesThePropertyAndMasksTheCredentials() {
        String report = RecordingFailureAnalysisReporter.reportOf(() -> run(EngineOnly.class,
                "--multifetch.proxy.url=socks5h://svc:s3cret@egress.internal:0"));
        assertThat(report).contains("Property: multifetch.proxy.url")
            .contains("Value: \"socks5h://******@egress.internal:0\"")
            .contains("Reason: proxy URL port is not a number from 1 to 65535: 0")
            .doesNotContain("s3cret");
    }

    @Test
    void whenSslBundleIsNotDefinedThenStartupReportNamesThePropertyAndHowToDefineIt() {
        String report = RecordingFailureAnalysisReporter.reportOf(() -> run(EngineOnly.class, "--multifetch.ssl.bundle=partners"));
        assertThat(report).contains("multifetch.ssl.bundle names the SSL bundle 'partners', which is not defined")
            .contains("Define the bundle under spring.ssl.bundle.pem.partners or spring.ssl.bundle.jks.partners");
    }

    @Test
    void whenRestClientsSslBundleSetsCiphersThenStartupReportSaysTheEngineCannotYet(@TempDir Path dir) {
        Path ca = PemFiles.certificates(dir, "ca.pem", List.of(TestCertificates.newAuthority().authority()));
        String report = RecordingFailureAnalysisReporter.reportOf(() -> run(WithRestClient.class, "--" + PemFiles.truststore("client", ca),
                "--spring.ssl.bundle.pem.client.options.ciphers=TLS_AES_128_GCM_SHA256",
                "--spring.http.clients.ssl.bundle=client"));
        assertThat(report).contains("cannot restrict cipher suites yet")
            .contains("Remove spring.http.clients.ssl.bundle");
    }

    /** Starts and stops an application; every test here expects it to fail. */
    private static void run(Class<?> configuration, String... args) {
        SpringApplication application = new SpringApplication(configuration);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        application.run(args).close();
        throw new AssertionError("started, but should have failed");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ SslAutoConfiguration.class, MultifetchAutoConfiguration.class })
    static class EngineOnly {
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ SslAutoConfiguration.class, MultifetchAutoConfiguration.class,
            MultifetchHttpClientAutoConfiguration.class, HttpClientAutoConfiguration.class,
            ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class })
    static class WithRestClient {

        @Bean
        RestClient restClient(RestClient.Builder builder) {
            return builder.build();
        }
    }
}
