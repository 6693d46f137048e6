package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.Fetches.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.MultiOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The resources of one loopback test, and the proof that it left nothing behind. Register it with
 * {@code @RegisterExtension} as the test class's first instance field; create engines, servers
 * and listeners through it (field initializers below it may already do so). After each test every
 * engine must have no running handle; then everything is closed, newest first, and the JVM's open
 * sockets and {@code multifetch-} threads must fall back to what they were before the test.
 *
 * <p>The baseline is taken when the extension is constructed, which JUnit does once per test
 * (a new test instance per test method), before any other field of the test class is set.
 */
public final class Loopback implements AfterEachCallback {

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<FetchEngine> engines = new ArrayList<>();
    private final int baselineSockets = OpenFiles.sockets();
    private final Set<Thread> threadsBefore = engineThreads();

    /** A started engine with {@code options}, closed after the test. */
    public FetchEngine engine(MultiOptions options) {
        FetchEngine engine = FetchEngine.builder().options(options).build();
        engines.add(engine);
        return closeAfter(engine);
    }

    /** A scripted server on an ephemeral 127.0.0.1 port, closed after the test. */
    public ScriptedServer server() {
        return closeAfter(new ScriptedServer());
    }

    /** Closes {@code resource} after the test, before the leak check; returns it. */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (FetchEngine engine : engines) {
                eventually().untilAsserted(() -> assertThat(engine.runningHandles())
                        .as("running handles at the end of the test").isZero());
            }
        } finally {
            closeAll();
        }
        eventually().untilAsserted(() -> assertThat(OpenFiles.sockets())
                .as("open sockets after the test: %s", OpenFiles.socketTargets())
                .isLessThanOrEqualTo(baselineSockets));
        eventually().untilAsserted(() -> assertThat(engineThreads())
                .as("multifetch- threads alive after the test").isSubsetOf(threadsBefore));
    }

    private void closeAll() throws Exception {
        Exception first = null;
        for (AutoCloseable r; (r = resources.poll()) != null; ) {
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        engines.clear();
        if (first != null) {
            throw first;
        }
    }

    /** Live threads named {@code multifetch-*}; ones other test classes left behind are in the "before" snapshot. */
    private static Set<Thread> engineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> thread.getName().startsWith("multifetch-"))
                .collect(Collectors.toSet());
    }
}
