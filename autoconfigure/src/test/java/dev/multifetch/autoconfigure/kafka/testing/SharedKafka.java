package dev.multifetch.autoconfigure.kafka.testing;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One in-process KRaft broker for every Kafka test of this JVM, started by the first test that asks
 * and stopped when the JVM exits; each test class uses topics and groups of its own
 * ({@link #names}). Its start time is printed once: the first cost of the Kafka suite.
 */
public final class SharedKafka {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private static EmbeddedKafkaKraftBroker broker;

    private SharedKafka() {
    }

    /** The broker's bootstrap servers, starting it first if needed (three tries: KRaft quorum formation can time out on a loaded machine). */
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            long start = System.nanoTime();
            broker = start(3);
            System.out.printf("SharedKafka: KRaft broker started in %d ms at %s%n", (System.nanoTime() - start) / 1_000_000,
                    broker.getBrokersAsString());
            EmbeddedKafkaKraftBroker started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "shared-kafka-stop"));
        }
        return broker.getBrokersAsString();
    }

    private static EmbeddedKafkaKraftBroker start(int tries) {
        for (int i = 1;; i++) {
            EmbeddedKafkaKraftBroker candidate = new EmbeddedKafkaKraftBroker(1, 1);
            candidate.brokerProperties(Map.of("group.min.session.timeout.ms", "1000"));
            try {
                candidate.afterPropertiesSet();
                return candidate;
            } catch (RuntimeException ex) {
                candidate.destroy();
                if (i == tries) {
                    throw ex;
                }
            }
        }
    }

    /** An admin client on the broker; close it. */
    public static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Names of a topic set and group of their own: {@code prefix-N}. */
    public static Names names(String prefix) {
        String base = prefix + "-" + NAMES.incrementAndGet();
        return new Names(base + ".jobs", base + ".results", base + ".jobs-dlt", base + "-workers");
    }

    /** One test's topics and group. */
    public record Names(String jobs, String results, String deadLetters, String group) {

        /** The properties that point a worker context at them. */
        public String[] properties() {
            return new String[] { "multifetch.kafka.jobs-topic=" + this.jobs, "multifetch.kafka.results-topic=" + this.results,
                    "multifetch.kafka.dead-letter-topic=" + this.deadLetters, "multifetch.kafka.group-id=" + this.group };
        }
    }
}
