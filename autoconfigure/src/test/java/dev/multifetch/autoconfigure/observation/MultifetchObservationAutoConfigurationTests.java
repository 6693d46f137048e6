package dev.multifetch.autoconfigure.observation;

import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import dev.multifetch.autoconfigure.MultifetchEngineCustomizer;
import dev.multifetch.autoconfigure.http.MultifetchHttpClientAutoConfiguration;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.testing.ScriptedServer;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientObservationAutoConfiguration;
import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static dev.multifetch.autoconfigure.observation.ObservingFetchInterceptorTests.ATTEMPT;
import static dev.multifetch.autoconfigure.observation.ObservingFetchInterceptorTests.FETCH;
import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The observation auto-configuration in an application context: which registry the engine uses,
 * when there is no interceptor, what replaces the convention, and the bridges observed once.
 */
@Timeout(60)
class MultifetchObservationAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MultifetchAutoConfiguration.class,
                MultifetchObservationAutoConfiguration.class))
        .withBean(ObservationLog.class, ObservationLog::new);

    private final ScriptedServer server = new ScriptedServer().defaultScript(ScriptedServer.ok("observed"));

    @AfterEach
    void closeServer() {
        this.server.close();
    }

    /** Fetches once on the context's engine and waits for the observation, if any, to stop. */
    private void fetchOnce(AssertableApplicationContext context) throws Exception {
        succeeds(context.getBean(FetchEngine.class).fetch(FetchRequest.get(this.server.url("/direct"))));
        this.server.awaitRequests(1);
    }

    @Test
    void whenTheContextHasAnObservationRegistryThenTheEngineObservesItsFetchesThere() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(ObservingFetchInterceptor.class);
            ObservationLog log = context.getBean(ObservationLog.class);

            fetchOnce(context);

            eventually().until(() -> log.stopped(FETCH) == 1);
            assertThat(log.of("stop", FETCH).get(0).context()).isInstanceOf(FetchObservationContext.class);
        });
    }

    @Test
    void whenObservationIsNotOnTheClasspathThenTheContextStartsAndTheEngineFetchesWithoutIt() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class)).run((context) -> {
            assertThat(context).hasNotFailed().hasSingleBean(FetchEngine.class).doesNotHaveBean(ObservingFetchInterceptor.class);

            fetchOnce(context);
        });
    }

    @Test
    void whenTheContextHasNoObservationRegistryThenTheEngineHasNoInterceptor() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MultifetchAutoConfiguration.class, MultifetchObservationAutoConfiguration.class))
            .run((context) -> assertThat(context).hasSingleBean(FetchEngine.class)
                .doesNotHaveBean(ObservingFetchInterceptor.class)
                .doesNotHaveBean(MultifetchEngineCustomizer.class));
    }

    @Test
    void whenObservationsAreDisabledThenTheEngineHasNoInterceptor() {
        this.contextRunner.withPropertyValues("multifetch.observations.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(ObservingFetchInterceptor.class);

            fetchOnce(context);

            assertThat(context.getBean(ObservationLog.class).of("start", FETCH)).isEmpty();
        });
    }

    @Test
    void whenBootTurnsHttpClientObservationsOffThenFetchesAreNotObserved() {
        this.contextRunner.withPropertyValues("management.observations.enable.http.client=false").run((context) -> {
            fetchOnce(context);

            assertThat(context.getBean(ObservationLog.class).of("start", FETCH)).isEmpty();
            assertThat(this.server.requests().get(0).headers("traceparent")).isEmpty();
        });
    }

    @Test
    void whenBootTurnsAttemptsOffThenTheFetchIsObservedWithoutChildren() {
        this.contextRunner.withPropertyValues("management.observations.enable.http.client.requests.attempt=false",
                "multifetch.observations.attempts=always")
            .run((context) -> {
                ObservationLog log = context.getBean(ObservationLog.class);

                fetchOnce(context);

                eventually().until(() -> log.stopped(FETCH) == 1);
                assertThat(log.of("start", ATTEMPT)).isEmpty();
            });
    }

    @Test
    void whenAttemptsAreAskedForOrTheEngineRetriesThenEachAttemptIsAChildAndOtherwiseNot() {
        for (String property : new String[] { "multifetch.observations.attempts=always", "multifetch.retry.max-retries=2",
                "multifetch.observations.attempts=repeatable", "multifetch.observations.attempts=never" }) {
            this.contextRunner.withPropertyValues(property).run((context) -> {
                ObservationLog log = context.getBean(ObservationLog.class);

                fetchOnce(context);

                eventually().until(() -> log.stopped(FETCH) == 1);
                int children = property.endsWith("always") || property.contains("max-retries") ? 1 : 0;
                eventually().until(() -> log.stopped(ATTEMPT) == children);
                assertThat(log.of("start", ATTEMPT)).as(property).hasSize(children);
            });
        }
    }

    @Test
    void whenTheAttemptsPropertyIsUnknownThenTheContextFailsNamingIt() {
        this.contextRunner.withPropertyValues("multifetch.observations.attempts=sometimes")
            .run((context) -> assertThat(context).hasFailed()
                .getFailure()
                .hasStackTraceContaining("multifetch.observations.attempts")
                .hasStackTraceContaining("sometimes"));
    }

    @Test
    void whenAConventionBeanIsDefinedThenItReplacesTheDefault() {
        this.contextRunner.withBean(FetchObservationConvention.class, () -> new DefaultFetchObservationConvention() {
            @Override
            public String getName() {
                return "crawler.fetches";
            }
        }).run((context) -> {
            ObservationLog log = context.getBean(ObservationLog.class);

            fetchOnce(context);

            eventually().until(() -> log.stopped("crawler.fetches") == 1);
            assertThat(log.of("start", FETCH)).isEmpty();
        });
    }

    @Test
    void whenACustomizerSetsItsOwnInterceptorThenItReplacesTheObservingOne() {
        this.contextRunner.withBean(MultifetchEngineCustomizer.class, () -> (builder) -> builder.interceptor((request) -> null))
            .run((context) -> {
                fetchOnce(context);

                assertThat(context.getBean(ObservationLog.class).of("start", FETCH)).isEmpty();
            });
    }

    @Test
    void whenRestClientAndWebClientCallThroughTheBridgesThenEachCallIsOneSpringObservation() {
        this.contextRunner
            .withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
                    ImperativeHttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
                    RestClientAutoConfiguration.class, RestClientObservationAutoConfiguration.class,
                    WebClientAutoConfiguration.class, WebClientObservationAutoConfiguration.class,
                    MultifetchHttpClientAutoConfiguration.class))
            .run((context) -> {
                ObservationLog log = context.getBean(ObservationLog.class);
                RestClient restClient = context.getBean(RestClient.Builder.class).build();
                WebClient webClient = context.getBean(WebClient.Builder.class).build();

                restClient.get().uri(this.server.url("/rest/{n}"), 1).retrieve().body(String.class);
                webClient.get().uri(this.server.url("/web/{n}"), 2).retrieve().bodyToMono(String.class).block();

                eventually().until(() -> log.stopped(FETCH) == 2);
                assertThat(log.of("start", FETCH)).hasSize(2)
                    .extracting((entry) -> entry.context().getLowCardinalityKeyValue("uri").getValue())
                    .containsExactly("/rest/{n}", "/web/{n}");
                assertThat(log.of("start", FETCH))
                    .noneMatch((entry) -> entry.context() instanceof FetchObservationContext);
                assertThat(log.of("start", FETCH).get(0).context()).isInstanceOf(ClientRequestObservationContext.class);
                assertThat(log.of("start", ATTEMPT)).isEmpty();
            });
    }
}
