package dev.multifetch.autoconfigure.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.autoconfigure.metrics.MultifetchMetricsAutoConfiguration;
import dev.multifetch.autoconfigure.testing.PemFiles;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Transfer;
import dev.multifetch.core.testing.Nghttpd;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.TestCertificates;
import dev.multifetch.core.testing.TlsServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.SimpleClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class MultifetchHttpClientAutoConfigurationTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestCertificates authority = TestCertificates.newAuthority();

    @TempDir
    private Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                    HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
                    ReactiveHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
                    RestClientObservationAutoConfiguration.class, RestTemplateAutoConfiguration.class,
                    WebClientAutoConfiguration.class, MultifetchAutoConfiguration.class,
                    MultifetchMetricsAutoConfiguration.class, MultifetchHttpClientAutoConfiguration.class));

    @Test
    void whenBootBuildsRestClientThenItRunsOnTheEngineAndIsObserved() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("hello, rest"))) {
            this.contextRunner.run((context) -> {
                assertThat(context).getBean(ClientHttpRequestFactory.class)
                    .isInstanceOf(MultifetchClientHttpRequestFactory.class);
                RestClient client = context.getBean(RestClient.Builder.class).build();

                String body = client.get().uri(server.url("/greeting/{who}"), "rest").retrieve().body(String.class);

                assertThat(body).isEqualTo("hello, rest");
                assertThat(server.awaitRequests(1).get(0).header("User-Agent")).hasValue("multifetch/0.1");
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(successfulTransfers(registry)).isEqualTo(1);
                assertThat(registry.get("http.client.requests")
                    .tags("method", "GET", "status", "200", "outcome", "SUCCESS", "uri", "/greeting/{who}")
                    .timer()
                    .count()).isEqualTo(1);
            });
        }
    }

    @Test
    void whenRestClientPostsThenEngineSendsBodyAndHeaders() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("stored"))) {
            this.contextRunner.run((context) -> {
                RestClient client = context.getBean(RestClient.Builder.class).build();

                String body = client.post()
                    .uri(server.url("/items"))
                    .header("X-Trace", "abc")
                    .body("{\"name\":\"x\"}")
                    .retrieve()
                    .body(String.class);

                assertThat(body).isEqualTo("stored");
                ScriptedServer.RecordedRequest request = server.awaitRequests(1).get(0);
                assertThat(request.method()).isEqualTo("POST");
                assertThat(request.header("X-Trace")).hasValue("abc");
                assertThat(request.headers("Content-Length")).containsExactly("12");
                assertThat(request.bodyAsString()).isEqualTo("{\"name\":\"x\"}");
            });
        }
    }

    @Test
    void whenHttpClientsReadTimeoutSetThenRestClientTimesOutOnTheEngine() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.script().stall())) {
            this.contextRunner.withPropertyValues("spring.http.clients.read-timeout=200ms").run((context) -> {
                RestClient client = context.getBean(RestClient.Builder.class).build();

                assertThatThrownBy(() -> client.get().uri(server.url("/stall")).retrieve().toBodilessEntity())
                    .isInstanceOf(ResourceAccessException.class)
                    .cause()
                    .isInstanceOfSatisfying(FetchException.class,
                            (failure) -> assertThat(failure.error()).isEqualTo(FetchError.OPERATION_TIMEDOUT));
            });
        }
    }

    @Test
    void whenBootBuildsRestTemplateThenItRunsOnTheEngine() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("template"))) {
            this.contextRunner.run((context) -> {
                String body = context.getBean(RestTemplateBuilder.class)
                    .build()
                    .getForObject(server.url("/t"), String.class);

                assertThat(body).isEqualTo("template");
                assertThat(successfulTransfers(context.getBean(MeterRegistry.class))).isEqualTo(1);
            });
        }
    }

    @Test
    void whenBootBuildsWebClientThenItRunsOnTheEngine() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("hello, reactive"))) {
            this.contextRunner.run((context) -> {
                assertThat(context).getBean(ClientHttpConnector.class).isInstanceOf(MultifetchClientHttpConnector.class);
                WebClient client = context.getBean(WebClient.Builder.class).build();

                String body = client.post()
                    .uri(server.url("/echo"))
                    .cookie("session", "s1")
                    .bodyValue("ping")
                    .retrieve()
                    .bodyToMono(String.class)
                    .block(WAIT);

                assertThat(body).isEqualTo("hello, reactive");
                ScriptedServer.RecordedRequest request = server.awaitRequests(1).get(0);
                assertThat(request.bodyAsString()).isEqualTo("ping");
                assertThat(request.header("Cookie")).hasValue(new HttpCookie("session", "s1").toString());
                assertThat(successfulTransfers(context.getBean(MeterRegistry.class))).isEqualTo(1);
            });
        }
    }

    @Test
    void whenProxyConfiguredThenRestClientAndWebClientGoThroughIt() {
        try (ScriptedServer proxy = new ScriptedServer()) {
            proxy.dispatcher((index, request) -> ScriptedServer.ok("proxied " + request.target()));
            this.contextRunner.withPropertyValues("multifetch.proxy.url=http://127.0.0.1:" + proxy.port()).run((context) -> {
                RestClient rest = context.getBean(RestClient.Builder.class).build();
                WebClient web = context.getBean(WebClient.Builder.class).build();

                String restBody = rest.get().uri("http://rest.example/r").retrieve().body(String.class);
                String webBody = web.get().uri("http://web.example/w").retrieve().bodyToMono(String.class).block(WAIT);

                assertThat(restBody).isEqualTo("proxied http://rest.example/r");
                assertThat(webBody).isEqualTo("proxied http://web.example/w");
                assertThat(proxy.connectionCount()).isEqualTo(1);
            });
        }
    }

    @Test
    void whenServerSetsCookieThenWebClientResponseHasIt() {
        ScriptedServer.Script withCookie = ScriptedServer.script()
            .sendResponse(200, Map.of("Set-Cookie", "id=42; Path=/; SameSite=Lax", "Content-Length", "0"), "");
        try (ScriptedServer server = new ScriptedServer().defaultScript(withCookie)) {
            this.contextRunner.run((context) -> {
                WebClient client = context.getBean(WebClient.Builder.class).build();

                ResponseCookie cookie = client.get()
                    .uri(server.url("/login"))
                    .exchangeToMono((response) -> response.releaseBody().thenReturn(response.cookies()))
                    .block(WAIT)
                    .getFirst("id");

                assertThat(cookie).isNotNull();
                assertThat(cookie.getValue()).isEqualTo("42");
                assertThat(cookie.getPath()).isEqualTo("/");
                assertThat(cookie.getSameSite()).isEqualTo("Lax");
            });
        }
    }

    @Test
    void whenTransferFailsThenWebClientErrorCarriesTheFetchError() {
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.script().reset())) {
            this.contextRunner.run((context) -> {
                WebClient client = context.getBean(WebClient.Builder.class).build();

                assertThatThrownBy(() -> client.get().uri(server.url("/reset")).retrieve().toBodilessEntity().block(WAIT))
                    .isInstanceOf(WebClientRequestException.class)
                    .cause()
                    .isInstanceOf(FetchException.class);
            });
        }
    }

    @Test
    void whenFactoryNamedInSpringPropertiesThenBootsChoiceWins() {
        this.contextRunner
            .withPropertyValues("spring.http.clients.imperative.factory=simple",
                    "spring.http.clients.reactive.connector=jdk")
            .run((context) -> {
                assertThat(context).getBean(ClientHttpRequestFactoryBuilder.class)
                    .isInstanceOf(SimpleClientHttpRequestFactoryBuilder.class);
                assertThat(context).doesNotHaveBean(MultifetchClientHttpConnectorBuilder.class);
            });
    }

    @Test
    void whenUserDefinesFactoryBuilderThenOursBacksOff() {
        this.contextRunner.withBean("userBuilder", ClientHttpRequestFactoryBuilder.class,
                ClientHttpRequestFactoryBuilder::simple)
            .run((context) -> assertThat(context).getBean(ClientHttpRequestFactoryBuilder.class)
                .isSameAs(context.getBean("userBuilder")));
    }

    @Test
    void whenSpringHttpClientMissingThenEngineWithoutBridges() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(ClientHttpRequestFactoryBuilder.class))
            .run((context) -> {
                assertThat(context).hasNotFailed().hasSingleBean(FetchEngine.class);
                assertThat(context).doesNotHaveBean(MultifetchClientHttpRequestFactoryBuilder.class)
                    .doesNotHaveBean(MultifetchClientHttpConnectorBuilder.class);
            });
    }

    @Test
    void whenRedirectsUnsetThenRestClientFollowsThemAsBootsClientsDo() {
        try (ScriptedServer server = new ScriptedServer().dispatcher(MultifetchHttpClientAutoConfigurationTests::moved)) {
            this.contextRunner.run((context) -> {
                RestClient client = context.getBean(RestClient.Builder.class).build();

                String body = client.get().uri(server.url("/old")).retrieve().body(String.class);

                assertThat(body).isEqualTo("moved here");
                assertThat(server.awaitRequests(2)).extracting(ScriptedServer.RecordedRequest::target)
                    .containsExactly("/old", "/new");
            });
        }
    }

    @Test
    void whenRedirectsFollowOrFollowWhenPossibleThenWebClientAndRestClientFollowThem() {
        try (ScriptedServer server = new ScriptedServer().dispatcher(MultifetchHttpClientAutoConfigurationTests::moved)) {
            for (String redirects : List.of("follow", "follow-when-possible")) {
                this.contextRunner.withPropertyValues("spring.http.clients.redirects=" + redirects).run((context) -> {
                    RestClient rest = context.getBean(RestClient.Builder.class).build();
                    WebClient web = context.getBean(WebClient.Builder.class).build();

                    assertThat(rest.get().uri(server.url("/old")).retrieve().body(String.class)).isEqualTo("moved here");
                    assertThat(web.get().uri(server.url("/old")).retrieve().bodyToMono(String.class).block(WAIT))
                        .isEqualTo("moved here");
                });
            }
        }
    }

    @Test
    void whenRedirectsDontFollowThenRestClientSeesTheRedirect() {
        try (ScriptedServer server = new ScriptedServer().dispatcher(MultifetchHttpClientAutoConfigurationTests::moved)) {
            this.contextRunner.withPropertyValues("spring.http.clients.redirects=dont-follow").run((context) -> {
                RestClient client = context.getBean(RestClient.Builder.class).build();

                ResponseEntity<Void> response = client.get().uri(server.url("/old")).retrieve().toBodilessEntity();

                assertThat(response.getStatusCode().value()).isEqualTo(302);
                assertThat(response.getHeaders().getLocation()).hasToString("/new");
                assertThat(server.requests()).hasSize(1);
            });
        }
    }

    @Test
    void whenHttpClientsSslBundleSetThenRestClientAndWebClientTrustTheServerAndTheEngineItselfDoesNot()
            throws Exception {
        try (TlsServer server = TlsServer.start(this.authority.server("127.0.0.1"), "secured")) {
            String url = "https://127.0.0.1:" + server.port() + "/";
            this.contextRunner.withPropertyValues(trustsAuthority(), "spring.http.clients.ssl.bundle=client")
                .run((context) -> {
                    RestClient rest = context.getBean(RestClient.Builder.class).build();
                    WebClient web = context.getBean(WebClient.Builder.class).build();

                    assertThat(rest.get().uri(url).retrieve().body(String.class)).isEqualTo("secured");
                    assertThat(web.get().uri(url).retrieve().bodyToMono(String.class).block(WAIT)).isEqualTo("secured");
                    assertThatThrownBy(() -> context.getBean(FetchEngine.class).fetch(FetchRequest.get(url)).join())
                        .hasMessageContaining("PEER_FAILED_VERIFICATION");
                });
        }
    }

    @Test
    void whenClientsAreBuiltWithTheSameBundleThenTheyShareConnections() throws Exception {
        try (TlsServer server = TlsServer.start(this.authority.server("127.0.0.1"), "shared")) {
            String url = "https://127.0.0.1:" + server.port() + "/";
            this.contextRunner.withPropertyValues(trustsAuthority(), "spring.http.clients.ssl.bundle=client")
                .run((context) -> {
                    RestClient first = context.getBean(RestClient.Builder.class).build();
                    RestClient second = context.getBean(RestClient.Builder.class).build();

                    assertThat(first.get().uri(url).retrieve().body(String.class)).isEqualTo("shared");
                    assertThat(second.get().uri(url).retrieve().body(String.class)).isEqualTo("shared");

                    assertThat(server.handshakes()).isEqualTo(1);
                });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "multifetch.ssl.bundle", "spring.http.clients.ssl.bundle" })
    void whenServerOffersH2ByAlpnThenRestClientAndWebClientTalkHttp2(String bundleProperty) {
        List<String> versions = new CopyOnWriteArrayList<>();
        FetchListener recorder = new FetchListener() {
            @Override
            public void transferDone(Transfer transfer, FetchResponse response) {
                versions.add(response.httpVersion());
            }
        };
        try (Nghttpd server = Nghttpd.builder().tls(this.authority.server("127.0.0.1")).file("/h2", 16 * 1024).start()) {
            this.contextRunner.withPropertyValues(trustsAuthority(), bundleProperty + "=client")
                .withBean("recorder", FetchListener.class, () -> recorder)
                .run((context) -> {
                    RestClient rest = context.getBean(RestClient.Builder.class).build();
                    WebClient web = context.getBean(WebClient.Builder.class).build();

                    ResponseEntity<byte[]> overRest = rest.get().uri(server.url("/h2")).retrieve().toEntity(byte[].class);
                    byte[] overWeb = web.get().uri(server.url("/h2")).retrieve().bodyToMono(byte[].class).block(WAIT);

                    assertThat(overRest.getStatusCode().value()).isEqualTo(200);
                    assertThat(overRest.getBody()).isEqualTo(server.content("/h2"));
                    assertThat(overWeb).isEqualTo(server.content("/h2"));
                    await().atMost(WAIT).until(() -> versions.size() == 2);
                    assertThat(versions).containsExactly("HTTP/2", "HTTP/2");
                    assertThat(context.getBean(MeterRegistry.class).get("multifetch.http2.connections").gauge().value())
                        .as("both clients share the one TLS connection").isEqualTo(1);
                });
        }
    }

    @Test
    void whenRestClientAndWebClientSendThenTheirRequestsLeaveTheHttpVersionToTheEngine() {
        List<FetchRequest> sent = new CopyOnWriteArrayList<>();
        FetchListener recorder = new FetchListener() {
            @Override
            public void transferDone(Transfer transfer, FetchResponse response) {
                sent.add(transfer.request());
            }
        };
        try (ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("any version"))) {
            this.contextRunner
                .withPropertyValues("spring.http.clients.connect-timeout=5s", "spring.http.clients.read-timeout=5s")
                .withBean("recorder", FetchListener.class, () -> recorder)
                .run((context) -> {
                    RestClient rest = context.getBean(RestClient.Builder.class).build();
                    WebClient web = context.getBean(WebClient.Builder.class).build();

                    assertThat(rest.get().uri(server.url("/rest")).retrieve().body(String.class)).isEqualTo("any version");
                    assertThat(web.get().uri(server.url("/web")).retrieve().bodyToMono(String.class).block(WAIT))
                        .isEqualTo("any version");

                    await().atMost(WAIT).until(() -> sent.size() == 2);
                    assertThat(sent).extracting(FetchRequest::url).containsExactlyInAnyOrder(server.url("/rest"),
                            server.url("/web"));
                    assertThat(sent).extracting(FetchRequest::httpVersion).containsOnlyNulls();
                });
        }
    }

    @Test
    void whenSslBundleSetsCiphersThenBothBuildersRefuseIt() {
        SslBundle withCiphers = SslBundle.of(null, null, SslOptions.of(new String[] { "TLS_AES_128_GCM_SHA256" }, null));
        HttpClientSettings settings = HttpClientSettings.ofSslBundle(withCiphers);
        try (FetchEngine engine = FetchEngine.create()) {
            ClientHttpRequestFactoryBuilder<?> factories = new MultifetchClientHttpRequestFactoryBuilder(engine);
            ClientHttpConnectorBuilder<?> connectors = new MultifetchClientHttpConnectorBuilder(engine);
            assertThatThrownBy(() -> factories.build(settings))
                .isInstanceOfSatisfying(UnsupportedHttpClientSettingException.class,
                        (failure) -> assertThat(failure.setting()).isEqualTo("spring.http.clients.ssl.bundle"));
            assertThatThrownBy(() -> connectors.build(settings))
                .isInstanceOf(UnsupportedHttpClientSettingException.class)
                .hasMessageContaining("cannot restrict cipher suites");
        }
    }

    @Test
    void whenTimeoutZeroThenBuilderRefusesItNamingTheSetting() {
        try (FetchEngine engine = FetchEngine.create()) {
            HttpClientSettings zero = HttpClientSettings.defaults().withReadTimeout(Duration.ZERO);
            assertThatThrownBy(() -> new MultifetchClientHttpRequestFactoryBuilder(engine).build(zero))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readTimeout must be positive");
        }
    }

    /** {@code /old} answers 302 to {@code /new}, which answers "moved here". */
    private static ScriptedServer.Script moved(int index, ScriptedServer.RecordedRequest request) {
        if (request.target().equals("/old")) {
            return ScriptedServer.script().sendResponse(302, Map.of("Location", "/new", "Content-Length", "0"), "");
        }
        return ScriptedServer.ok("moved here");
    }

    /** The SSL bundle {@code client}, trusting the test authority. */
    private String trustsAuthority() {
        Path ca = PemFiles.certificates(this.dir, "ca.pem", List.of(this.authority.authority()));
        return PemFiles.truststore("client", ca);
    }

    private static double successfulTransfers(MeterRegistry registry) {
        return registry.get("multifetch.transfers").tags("outcome", "SUCCESS", "error", "none").counter().count();
    }
}
