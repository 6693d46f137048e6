package dev.multifetch.autoconfigure.kafka;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobWorkerThreadsTests {

    /**
     * Kafka's clients load classes by name through the context class loader; in a Spring Boot fat
     * jar, a thread started from the common fork-join pool (where fetches complete) would have
     * one that cannot see them, and the first producer would fail to initialize.
     */
    @Test
    void whenAWorkerThreadIsStartedFromAThreadWithAForeignContextClassLoaderThenItGetsTheLibrarysOwn() throws Exception {
        AtomicReference<ClassLoader> seen = new AtomicReference<>();
        try (URLClassLoader foreign = new URLClassLoader(new URL[0], null)) {
            Thread starter = new Thread(() -> {
                Thread worker = JobWorker.daemon(() -> seen.set(Thread.currentThread().getContextClassLoader()), "test");
                worker.start();
                try {
                    worker.join();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            starter.setContextClassLoader(foreign);
            starter.start();
            starter.join();
        }
        assertThat(seen.get()).isSameAs(JobWorker.class.getClassLoader());
    }
}
