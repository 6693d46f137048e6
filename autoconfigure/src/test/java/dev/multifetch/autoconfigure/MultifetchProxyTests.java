package dev.multifetch.autoconfigure;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.multifetch.autoconfigure.testing.PemFiles;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.ProxySettings;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.RecordedRequest;
import dev.multifetch.core.testing.TestCertificates;
import dev.multifetch.core.testing.TlsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code multifetch.proxy.*} and a {@link ProxySelector} bean: the engine's requests go through
 * the proxy they name (a scripted server plays it and records what reached it), a bad URL stops
 * startup naming the property, and the password shows nowhere.
 */
@Timeout(60)
class MultifetchProxyTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, MultifetchAutoConfiguration.class));

    private final ScriptedServer proxy = new ScriptedServer();

    @TempDir
    private Path dir;

    @AfterEach
    void closeProxy() {
        this.proxy.close();
    }

    private String proxyUrl() {
        return "http://127.0.0.1:" + this.proxy.port();
    }

    @Test
    void whenUrlSetThenPlainHttpIsForwardedToTheProxyInAbsoluteForm() {
        this.proxy.dispatcher((index, request) -> ScriptedServer.ok("via proxy"));
        this.contextRunner.withPropertyValues("multifetch.proxy.url=" + proxyUrl()).run((context) -> {
            FetchResponse response = fetch(context, "http://origin.example:8080/a?b=1").join();

            assertThat(response.bodyAsString()).isEqualTo("via proxy");
            assertThat(response.proxy()).isEqualTo(proxyUrl());
            RecordedRequest seen = this.proxy.awaitRequests(1).get(0);
            assertThat(seen.target()).isEqualTo("http://origin.example:8080/a?b=1");
            assertThat(seen.header("Proxy-Authorization")).isEmpty();
        });
    }

    @Test
    void whenCredentialsSetApartThenTheProxyGetsThemAsBasic() {
        this.proxy.dispatcher((index, request) -> ScriptedServer.ok("ok"));
        this.contextRunner.withPropertyValues("multifetch.proxy.url=" + proxyUrl(), "multifetch.proxy.username=svc",
                "multifetch.proxy.password=pa:ss")
            .run((context) -> {
                fetch(context, "http://origin.example/").join();

                String basic = Base64.getEncoder().encodeToString("svc:pa:ss".getBytes(StandardCharsets.UTF_8));
                assertThat(this.proxy.awaitRequests(1).get(0).header("Proxy-Authorization")).hasValue("Basic " + basic);
            });
    }

    @Test
    void whenTunnelSetThenPlainHttpGoesThroughConnect() {
        this.proxy.dispatcher((index, request) -> request.method().equals("CONNECT")
                ? ScriptedServer.script().send("HTTP/1.1 200 Connection established\r\n\r\n")
                : ScriptedServer.ok("tunnelled " + request.target()));
        this.contextRunner.withPropertyValues("multifetch.proxy.url=" + proxyUrl(), "multifetch.proxy.tunnel=true")
            .run((context) -> {
                FetchResponse response = fetch(context, "http://origin.example:81/in").join();

                assertThat(response.bodyAsString()).isEqualTo("tunnelled /in");
                assertThat(response.connectCode()).isEqualTo(200);
                assertThat(this.proxy.requests().get(0).target()).isEqualTo("origin.example:81");
            });
    }

    @Test
    void whenNoProxyNamesTheHostThenItIsFetchedDirect() {
        try (ScriptedServer origin = new ScriptedServer().defaultScript(ScriptedServer.ok("direct"))) {
            this.contextRunner.withPropertyValues("multifetch.proxy.url=" + proxyUrl(),
                    "multifetch.proxy.no-proxy=example.com, 127.0.0.0/8")
                .run((context) -> {
                    FetchResponse response = fetch(context, origin.url("/")).join();

                    assertThat(response.bodyAsString()).isEqualTo("direct");
                    assertThat(response.proxy()).isNull();
                    assertThat(this.proxy.connectionCount()).isZero();
                });
        }
    }

    @Test
    void whenNothingSetThenNoSourceOfAProxyIsConsulted() {
        AtomicReference<ProxySettings> seen = new AtomicReference<>();
        this.contextRunner.withBean(MultifetchOptionsCustomizer.class, () -> (options) -> seen.set(options.build().proxy()))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(seen.get().isEmpty()).isTrue();
                assertThat(seen.get().environment()).isNull();
                assertThat(seen.get().systemProperties()).isNull();
                assertThat(seen.get().tunnel()).isFalse();
            });
    }

    @Test
    void whenEnvironmentAndSystemPropertiesTurnedOnThenTheEngineReadsThem() {
        AtomicReference<ProxySettings> seen = new AtomicReference<>();
        this.contextRunner.withPropertyValues("multifetch.proxy.use-environment=true",
                "multifetch.proxy.use-system-properties=true")
            .withBean(MultifetchOptionsCustomizer.class, () -> (options) -> seen.set(options.build().proxy()))
            .run((context) -> {
                assertThat(seen.get().environment()).isEqualTo(System.getenv());
                assertThat(seen.get().systemProperties()).isSameAs(System.getProperties());
            });
    }

    @Test
    void whenProxySelectorBeanDefinedThenItChoosesTheProxy() {
        this.proxy.dispatcher((index, request) -> ScriptedServer.ok("selected"));
        CountingSelector selector = new CountingSelector(this.proxy.port());
        this.contextRunner.withBean(ProxySelector.class, () -> selector).run((context) -> {
            FetchResponse response = fetch(context, "http://origin.example/x").join();

            assertThat(response.bodyAsString()).isEqualTo("selected");
            assertThat(this.proxy.awaitRequests(1).get(0).target()).isEqualTo("http://origin.example/x");
            assertThat(selector.asked.get()).isPositive();
        });
    }

    @Test
    void whenUrlIsEmptyThenRequestsGoDirectAndTheProxySelectorIsNotAsked() {
        CountingSelector selector = new CountingSelector(this.proxy.port());
        try (ScriptedServer origin = new ScriptedServer().defaultScript(ScriptedServer.ok("direct"))) {
            this.contextRunner.withPropertyValues("multifetch.proxy.url=")
                .withBean(ProxySelector.class, () -> selector)
                .run((context) -> {
                    assertThat(fetch(context, origin.url("/")).join().bodyAsString()).isEqualTo("direct");
                    assertThat(selector.asked.get()).isZero();
                    assertThat(this.proxy.connectionCount()).isZero();
                });
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://svc:s3cret@proxy.internal:99999 | http://******@proxy.internal:99999 | port is not a number from 1 to 65535",
            "ftp://svc:s3cret@proxy.internal       | ftp://******@proxy.internal       | scheme \"ftp\" is not supported",
            "http://svc:s3cret@                    | http://******@                    | has no host" })
    void whenUrlInvalidThenStartupFailsNamingThePropertyButNeverThePassword(String url, String shown, String reason) {
        this.contextRunner.withPropertyValues("multifetch.proxy.url=" + url).run((context) -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MultifetchPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("Property: multifetch.proxy.url")
                .contains("Value: \"" + shown + "\"")
                .contains(reason)
                .doesNotContain("s3cret");
            assertThat(stackTrace(context.getStartupFailure())).contains("multifetch.proxy.url").doesNotContain("s3cret");
        });
    }

    @Test
    void whenPasswordSetWithoutUserNameThenStartupFailsWithoutShowingIt() {
        this.contextRunner.withPropertyValues("multifetch.proxy.url=" + proxyUrl(), "multifetch.proxy.password=s3cret")
            .run((context) -> {
                assertThat(context).hasFailed();
                FailureAnalysis analysis = new MultifetchPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
                assertThat(analysis.getDescription()).contains("Property: multifetch.proxy.password")
                    .contains("Reason: needs multifetch.proxy.username")
                    .doesNotContain("s3cret");
                assertThat(stackTrace(context.getStartupFailure())).doesNotContain("s3cret");
            });
    }

    @Test
    void whenProxySslBundleIsNotDefinedThenStartupFailsNamingIt() {
        this.contextRunner.withPropertyValues("multifetch.proxy.url=https://127.0.0.1:1", "multifetch.proxy.ssl.bundle=egress")
            .run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidSslBundleException.class)
                    .hasMessageContaining("multifetch.proxy.ssl.bundle names the SSL bundle 'egress', which is not defined");
            });
    }

    @Test
    void whenProxySslBundleTrustsAnHttpsProxyThenTheEngineGoesThroughItAndWithoutItDoesNot() throws Exception {
        TestCertificates authority = TestCertificates.newAuthority();
        String trusted = PemFiles.truststore("egress",
                PemFiles.certificates(this.dir, "ca.pem", List.of(authority.authority())));
        try (TlsServer httpsProxy = TlsServer.start(authority.server("localhost", "127.0.0.1"), "through https proxy")) {
            String url = "multifetch.proxy.url=https://127.0.0.1:" + httpsProxy.port();
            this.contextRunner.withPropertyValues(url, trusted, "multifetch.proxy.ssl.bundle=egress").run((context) -> {
                FetchResponse response = fetch(context, "http://origin.example/").join();
                assertThat(response.bodyAsString()).isEqualTo("through https proxy");
                assertThat(response.proxy()).isEqualTo("https://127.0.0.1:" + httpsProxy.port());
            });
            // the origins' bundle is not the proxy's
            this.contextRunner.withPropertyValues(url, trusted, "multifetch.ssl.bundle=egress").run((context) -> {
                assertThatThrownBy(fetch(context, "http://origin.example/")::join).cause()
                    .isInstanceOfSatisfying(FetchException.class,
                            (failure) -> assertThat(failure.error()).isEqualTo(FetchError.PEER_FAILED_VERIFICATION));
            });
        }
    }

    @Test
    void whenPasswordSetThenToStringAndConfigpropsMaskItEvenWithValuesShown() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MultifetchAutoConfiguration.class, EndpointAutoConfiguration.class,
                    ConfigurationPropertiesReportEndpointAutoConfiguration.class))
            .withPropertyValues("multifetch.proxy.url=http://svc:in-url@127.0.0.1:3128", "multifetch.proxy.username=svc",
                    "multifetch.proxy.password=s3cret", "management.endpoints.web.exposure.include=configprops",
                    "management.endpoint.configprops.show-values=always")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                MultifetchProxyProperties properties = context.getBean(MultifetchProperties.class).getProxy();
                assertThat(properties.toString()).contains("password=******", "url=http://******@127.0.0.1:3128")
                    .doesNotContain("s3cret")
                    .doesNotContain("in-url");
                Map<String, Object> shown = configprops(context);
                assertThat(shown).containsEntry("password", "******")
                    .containsEntry("url", "http://******@127.0.0.1:3128")
                    .containsEntry("username", "svc");
            });
    }

    @Test
    void whenEnvironmentCarriesThePasswordThenTheSanitizerMasksEveryFormOfItsName() {
        this.contextRunner.run((context) -> {
            Sanitizer sanitizer = new Sanitizer(context.getBeanProvider(SanitizingFunction.class).orderedStream().toList());

            assertThat(sanitizer.sanitize(new SanitizableData(null, "MULTIFETCH_PROXY_PASSWORD", "s3cret"), true))
                .isEqualTo("******");
            assertThat(sanitizer.sanitize(new SanitizableData(null, "multifetch.proxy.url", "socks5h://u:s3cret@p:1080"), true))
                .isEqualTo("socks5h://******@p:1080");
            assertThat(sanitizer.sanitize(new SanitizableData(null, "multifetch.user-agent", "probe@1"), true))
                .isEqualTo("probe@1");
        });
    }

    @Test
    void whenActuatorMissingThenTheEngineStartsWithoutTheSanitizer() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(SanitizingFunction.class))
            .withPropertyValues("multifetch.proxy.url=" + proxyUrl())
            .run((context) -> {
                assertThat(context).hasNotFailed().hasSingleBean(FetchEngine.class);
                assertThat(context.getBeanNamesForType(SanitizingFunction.class)).isEmpty();
            });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> configprops(AssertableApplicationContext context) {
        ConfigurationPropertiesReportEndpoint endpoint = context.getBean(ConfigurationPropertiesReportEndpoint.class);
        Map<String, Object> multifetch = endpoint.configurationProperties()
            .getContexts()
            .values()
            .stream()
            .flatMap((descriptor) -> descriptor.getBeans().values().stream())
            .filter((bean) -> bean.getPrefix().equals("multifetch"))
            .findFirst()
            .orElseThrow()
            .getProperties();
        return (Map<String, Object>) multifetch.get("proxy");
    }

    private static CompletableFuture<FetchResponse> fetch(AssertableApplicationContext context, String url) {
        return context.getBean(FetchEngine.class).fetch(FetchRequest.get(url));
    }

    private static String stackTrace(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    /** Names one HTTP proxy for every URL, and counts how often it was asked. */
    private static final class CountingSelector extends ProxySelector {

        private final AtomicInteger asked = new AtomicInteger();

        private final Proxy proxy;

        CountingSelector(int port) {
            this.proxy = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", port));
        }

        @Override
        public List<Proxy> select(URI uri) {
            this.asked.incrementAndGet();
            return List.of(this.proxy);
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        }
    }
}
