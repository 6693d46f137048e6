package dev.multifetch.sample.distributed;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.multifetch.autoconfigure.MultifetchOptionsCustomizer;
import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import dev.multifetch.sample.SampleApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Instances of the sample app in a fleet on the shared in-process broker: each on a random port,
 * with the {@code local} profile (loopback targets allowed), its engine resolving {@code *.test}
 * names to loopback (so one loopback server stands for many hosts), and quick group settings.
 */
public final class Fleet {

    private Fleet() {
    }

    /** The properties of an instance in the fleet of {@code names}, with role {@code role}. */
    private static List<String> properties(SharedKafka.Names names, String bootstrapServers, String role) {
        List<String> properties = new ArrayList<>(List.of(names.properties()));
        properties.addAll(List.of("spring.kafka.bootstrap-servers=" + bootstrapServers, "multifetch.kafka.enabled=true",
                "multifetch.sample.role=" + role, "spring.profiles.active=local", "server.port=0",
                "multifetch.kafka.jobs-partitions=6", "multifetch.kafka.results-partitions=3", "multifetch.kafka.handoff-delay=0s",
                "multifetch.sample.limits.max-batch-size=1000", "multifetch.sample.limits.max-concurrent-batches=8",
                "spring.kafka.consumer.properties.heartbeat.interval.ms=500",
                "spring.kafka.consumer.properties.session.timeout.ms=6000", "spring.main.banner-mode=off",
                "springdoc.api-docs.enabled=false", "springdoc.swagger-ui.enabled=false", "logging.level.org.apache.kafka=WARN"));
        return properties;
    }

    /** An instance with role {@code role} and {@code more} properties. */
    public static ConfigurableApplicationContext start(SharedKafka.Names names, String role, String... more) {
        return new SpringApplicationBuilder(SampleApplication.class, TestHosts.class)
            .run(arguments(names, role, more).toArray(String[]::new));
    }

    /**
     * The command line of an instance: its properties as {@code --name=value} arguments (over
     * application.properties), each name once, {@code more} winning.
     */
    static List<String> arguments(SharedKafka.Names names, String role, String... more) {
        Map<String, String> byName = new LinkedHashMap<>();
        Stream.concat(properties(names, SharedKafka.bootstrapServers(), role).stream(), Stream.of(more))
            .forEach((property) -> byName.put(property.substring(0, property.indexOf('=')), property));
        return byName.values().stream().map((property) -> "--" + property).toList();
    }

    /** The port {@code instance} listens on. */
    public static int port(ConfigurableApplicationContext instance) {
        return ((WebServerApplicationContext) instance).getWebServer().getPort();
    }

    /** Resolves every {@code *.test} host to loopback. */
    @Configuration(proxyBeanMethods = false)
    static class TestHosts {

        @Bean
        MultifetchOptionsCustomizer testHostsOnLoopback() {
            return (options) -> options.hostResolver(TestHosts::resolve);
        }

        private static InetAddress[] resolve(String host) throws UnknownHostException {
            return host.endsWith(".test") ? new InetAddress[] { InetAddress.getLoopbackAddress() } : InetAddress.getAllByName(host);
        }
    }
}
