package dev.multifetch.autoconfigure.http;

import java.time.Duration;
import java.util.Map;

import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.autoconfigure.metrics.MultifetchMetricsAutoConfiguration;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.testing.ScriptedServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
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
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class MultifetchHttpClientAutoConfigurationTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
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
    void whenRedirectsMustBeFollowedThenRestClientBuilderFailsClearly() {
        this.contextRunner.withPropertyValues("spring.http.clients.redirects=follow").run((context) -> {
            assertThatThrownBy(() -> context.getBean(RestClient.Builder.class))
                .rootCause()
                .isInstanceOfSatisfying(UnsupportedHttpClientSettingException.class,
                        (failure) -> assertThat(failure.setting()).isEqualTo("spring.http.clients.redirects"));
        });
    }

    @Test
    void whenRedirectsMayBeSkippedThenRestClientBuilds() {
        this.contextRunner.withPropertyValues("spring.http.clients.redirects=follow-when-possible")
            .run((context) -> assertThat(context.getBean(RestClient.Builder.class)).isNotNull());
        this.contextRunner.withPropertyValues("spring.http.clients.redirects=dont-follow")
            .run((context) -> assertThat(context.getBean(RestClient.Builder.class)).isNotNull());
    }

    @Test
    void whenSslBundleGivenThenBothBuildersRefuseIt() {
        HttpClientSettings withBundle = HttpClientSettings.ofSslBundle(SslBundle.of(null));
        try (FetchEngine engine = FetchEngine.create()) {
            ClientHttpRequestFactoryBuilder<?> factories = new MultifetchClientHttpRequestFactoryBuilder(engine);
            ClientHttpConnectorBuilder<?> connectors = new MultifetchClientHttpConnectorBuilder(engine);
            assertThatThrownBy(() -> factories.build(withBundle))
                .isInstanceOfSatisfying(UnsupportedHttpClientSettingException.class,
                        (failure) -> assertThat(failure.setting()).isEqualTo("spring.http.clients.ssl.bundle"));
            assertThatThrownBy(() -> connectors.build(withBundle))
                .isInstanceOf(UnsupportedHttpClientSettingException.class)
                .hasMessageContaining("does not support TLS yet");
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

    private static double successfulTransfers(MeterRegistry registry) {
        return registry.get("multifetch.transfers").tags("outcome", "SUCCESS", "error", "none").counter().count();
    }
}
