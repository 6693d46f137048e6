package dev.multifetch.starter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.multifetch.autoconfigure.MultifetchOptionsCustomizer;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Transfer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Spring example as a user builds it: the starter and spring-boot-starter-restclient
 * on the classpath (this module's test dependencies, as the README lists them), every
 * auto-configuration found as Boot finds it, and {@link Quotes} copied from the README. Its
 * requests go through the engine; without the restclient starter the application stops for want of
 * the builder, which is why the README names it.
 */
@Timeout(60)
class ReadmeExampleTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withUserConfiguration(Application.class);

    private HttpServer quotesServer;

    @BeforeEach
    void quotesServer() throws IOException {
        this.quotesServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.quotesServer.createContext("/today", (exchange) -> {
            byte[] body = "sunny".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        this.quotesServer.start();
    }

    @AfterEach
    void stop() {
        this.quotesServer.stop(0);
    }

    @Test
    void whenStarterAndRestclientStarterThenTheReadmeServiceFetchesThroughTheEngine() {
        List<String> fetched = new CopyOnWriteArrayList<>();
        int port = this.quotesServer.getAddress().getPort();
        this.contextRunner
            .withBean(MultifetchOptionsCustomizer.class,
                    () -> (options) -> options.connectTo("quotes.internal", 80, "127.0.0.1", port))
            .withBean(FetchListener.class, () -> new FetchListener() {
                @Override
                public void transferDone(Transfer transfer, FetchResponse response) {
                    fetched.add(response.effectiveUrl());
                }
            })
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(Quotes.class).today()).isEqualTo("sunny");
                assertThat(fetched).containsExactly("http://quotes.internal/today");
            });
    }

    @Test
    void whenRestclientStarterMissingThenStartupFailsForWantOfTheBuilder() {
        // what spring-boot-starter-restclient brings: the auto-configuration that defines the builder
        this.contextRunner
            .withPropertyValues("spring.autoconfigure.exclude="
                    + "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .isInstanceOf(NoSuchBeanDefinitionException.class)
                .hasMessageContaining("RestClient$Builder"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Quotes.class)
    static class Application {
    }

    /** The README's example, as written there. */
    @Service
    static class Quotes {
        private final RestClient client;

        Quotes(RestClient.Builder builder) {      // Boot's builder: requests go through the engine
            this.client = builder.baseUrl("http://quotes.internal").build();
        }

        String today() {
            return client.get().uri("/today").retrieve().body(String.class);
        }
    }
}
