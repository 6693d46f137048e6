package dev.multifetch.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.multifetch.autoconfigure.testing.PemFiles;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.TlsConfig;
import dev.multifetch.core.Transfer;
import dev.multifetch.core.testing.TestCertificates;
import dev.multifetch.core.testing.TlsServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code multifetch.ssl.bundle}: the engine's https connections secured by a Spring Boot SSL bundle. */
@Timeout(60)
class MultifetchSslBundleTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, MultifetchAutoConfiguration.class));

    private final TestCertificates authority = TestCertificates.newAuthority();

    @TempDir
    private Path dir;

    private String trustsAuthority;

    @BeforeEach
    void writeAuthority() {
        Path ca = PemFiles.certificates(this.dir, "ca.pem", List.of(this.authority.authority()));
        this.trustsAuthority = PemFiles.truststore("client", ca);
    }

    @Test
    void whenBundleTrustsTheServersAuthorityThenEngineFetchesOverHttps() throws Exception {
        try (TlsServer server = TlsServer.start(this.authority.server("localhost", "127.0.0.1"), "secured")) {
            this.contextRunner.withPropertyValues(this.trustsAuthority, "multifetch.ssl.bundle=client")
                .run((context) -> {
                    FetchResponse response = fetch(context, "https://127.0.0.1:" + server.port() + "/").join();
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.bodyAsString()).isEqualTo("secured");
                });
        }
    }

    @Test
    void whenNoBundleThenServerOfAnUnknownAuthorityFailsVerification() throws Exception {
        try (TlsServer server = TlsServer.start(this.authority.server("localhost", "127.0.0.1"), "secured")) {
            this.contextRunner.withPropertyValues(this.trustsAuthority).run((context) -> {
                CompletableFuture<FetchResponse> fetch = fetch(context, "https://127.0.0.1:" + server.port() + "/");
                assertThatThrownBy(fetch::join).cause()
                    .isInstanceOfSatisfying(FetchException.class,
                            (failure) -> assertThat(failure.error()).isEqualTo(FetchError.PEER_FAILED_VERIFICATION));
            });
        }
    }

    @Test
    void whenBundleHasAKeyThenServerSeesTheClientCertificate() throws Exception {
        TestCertificates.Identity client = this.authority.client("multifetch client");
        Path chain = PemFiles.certificates(this.dir, "client.pem", client.chain());
        Path key = PemFiles.privateKey(this.dir, "client.key", client);
        try (TlsServer server = TlsServer.requiringClientCertificate(this.authority.server("127.0.0.1"),
                this.authority.authority(), "mutual")) {
            this.contextRunner.withPropertyValues(this.trustsAuthority, "multifetch.ssl.bundle=client")
                .withPropertyValues(PemFiles.keystore("client", chain, key))
                .run((context) -> {
                    FetchResponse response = fetch(context, "https://127.0.0.1:" + server.port() + "/").join();
                    assertThat(response.bodyAsString()).isEqualTo("mutual");
                    assertThat(server.clientSubjects()).containsExactly("CN=multifetch client");
                });
        }
    }

    @Test
    void whenBundleEnablesOnlyTls12ThenHandshakeUsesIt() throws Exception {
        List<String> protocols = new CopyOnWriteArrayList<>();
        FetchListener recorder = new FetchListener() {
            @Override
            public void tlsEnd(Transfer transfer, String protocol, String cipherSuite) {
                protocols.add(protocol);
            }
        };
        try (TlsServer server = TlsServer.start(this.authority.server("127.0.0.1"), "old")) {
            this.contextRunner
                .withPropertyValues(this.trustsAuthority, "spring.ssl.bundle.pem.client.options.enabled-protocols=TLSv1.2",
                        "multifetch.ssl.bundle=client")
                .withBean(FetchListener.class, () -> recorder)
                .run((context) -> {
                    fetch(context, "https://127.0.0.1:" + server.port() + "/").join();
                    assertThat(protocols).containsExactly("TLSv1.2");
                });
        }
    }

    @Test
    void whenBundleIsNotDefinedThenStartupFailsNamingThePropertyAndTheBundles() {
        this.contextRunner.withPropertyValues(this.trustsAuthority, "multifetch.ssl.bundle=missing").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidSslBundleException.class)
                .hasMessage("multifetch.ssl.bundle names the SSL bundle 'missing', which is not defined "
                        + "(defined: client)");
            FailureAnalysis analysis = new InvalidSslBundleFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getAction()).contains("spring.ssl.bundle.pem.missing");
        });
    }

    @Test
    void whenBundleEnablesAnInsecureProtocolThenStartupFailsNamingTheProperty() {
        this.contextRunner
            .withPropertyValues(this.trustsAuthority, "spring.ssl.bundle.pem.client.options.enabled-protocols=TLSv1.1",
                    "multifetch.ssl.bundle=client")
            .run((context) -> {
                assertThat(context).hasFailed();
                FailureAnalysis analysis = new InvalidSslBundleFailureAnalyzer().analyze(context.getStartupFailure());
                assertThat(analysis.getDescription())
                    .startsWith("multifetch.ssl.bundle names the SSL bundle 'client', which the engine cannot use: "
                            + "the SSL bundle's options.enabled-protocols")
                    .contains("TLSv1.1");
                assertThat(analysis.getAction()).contains("Change the options of the SSL bundle 'client'");
            });
    }

    @Test
    void whenBundleSetsCiphersThenItIsRefusedRatherThanIgnored() {
        SslBundle withCiphers = SslBundle.of(null, null, SslOptions.of(new String[] { "TLS_AES_128_GCM_SHA256" }, null));
        assertThatIllegalArgumentException().isThrownBy(() -> SslBundleTlsConfig.of(withCiphers))
            .withMessageContaining("options.ciphers");
    }

    @Test
    void whenSameBundleAskedTwiceThenSameTlsConfig() {
        SslBundle bundle = SslBundle.systemDefault();
        TlsConfig first = SslBundleTlsConfig.of(bundle);
        assertThat(SslBundleTlsConfig.of(bundle)).isSameAs(first);
        assertThat(first.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }

    private static CompletableFuture<FetchResponse> fetch(AssertableApplicationContext context, String url) {
        return context.getBean(FetchEngine.class).fetch(FetchRequest.get(url)).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
