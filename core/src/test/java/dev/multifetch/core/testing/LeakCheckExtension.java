package dev.multifetch.core.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Leak accounting after every test of core, in the manner of the JDK HTTP client's
 * {@code ReferenceTracker}: a test fails if, once it and its own clean-up are over,
 * <ul>
 * <li>an engine thread ({@code multifetch-selector-*} or {@code multifetch-worker-*}) that started
 *     during the test is still alive: an engine was not closed, so its transfers may still run and
 *     its sockets stay registered; or</li>
 * <li>this JVM holds more sockets or selectors than when the test started.</li>
 * </ul>
 * Both are waited for up to {@link #GRACE}: a closed NIO channel's descriptor is freed at its
 * selector's next select, and a closed engine's threads take a moment to end.
 *
 * <p>It is registered for every test of this module without a line in the test classes, by
 * Jupiter's extension auto-detection: {@code META-INF/services/org.junit.jupiter.api.extension.Extension}
 * names it and {@code junit-platform.properties} turns auto-detection on. Auto-detected extensions
 * are registered before any other, so this {@code afterEach} runs last: after the test's
 * {@code @AfterEach} methods and after the extensions it registered itself (such as {@link Loopback}).
 *
 * <p>Core's test-jar carries both files to the modules that depend on it, whose Spring test
 * contexts legitimately outlive a test; so only test classes in {@code dev.multifetch.core} and
 * below are checked. A core test that must keep an engine or socket beyond itself says why with
 * {@link Unchecked} on its method or class; none needs to at present.
 */
public final class LeakCheckExtension implements BeforeEachCallback, AfterEachCallback {

    /** How long threads and sockets are given to go after the test. */
    public static final Duration GRACE = Duration.ofSeconds(5);

    private static final Namespace NAMESPACE = Namespace.create(LeakCheckExtension.class);
    private static final String CHECKED_PACKAGE = "dev.multifetch.core";
    private static final Set<String> ENGINE_THREAD_PREFIXES = Set.of("multifetch-selector-", "multifetch-worker-");

    /** Exempts a test (or every test of a class) from the leak check; the value says why. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface Unchecked {

        /** Why this test may leave an engine thread or a socket behind. */
        String value();
    }

    private record Baseline(int networkDescriptors, Set<Thread> engineThreads) {
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (checked(context)) {
            context.getStore(NAMESPACE).put(Baseline.class, new Baseline(networkDescriptors(), engineThreads()));
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        Baseline baseline = context.getStore(NAMESPACE).remove(Baseline.class, Baseline.class);
        if (baseline == null) {
            return;
        }
        long deadline = System.nanoTime() + GRACE.toNanos();
        List<String> threads = waitForEmpty(deadline, () -> startedSince(baseline));
        List<String> descriptors = waitForEmpty(deadline, () -> networkDescriptors() > baseline.networkDescriptors()
                ? networkTargets() : List.of());
        if (!threads.isEmpty()) {
            throw new AssertionError("engine threads started by " + context.getDisplayName() + " still alive "
                    + GRACE.toSeconds() + " s after it: " + threads + " (an engine was not closed)");
        }
        if (!descriptors.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " left sockets or selectors open: "
                    + baseline.networkDescriptors() + " before, " + descriptors.size() + " " + GRACE.toSeconds()
                    + " s after: " + descriptors);
        }
    }

    private static boolean checked(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        boolean inCore = testClass.getPackageName().equals(CHECKED_PACKAGE)
                || testClass.getPackageName().startsWith(CHECKED_PACKAGE + ".");
        boolean exempt = AnnotationSupport.isAnnotated(context.getTestMethod(), Unchecked.class)
                || AnnotationSupport.isAnnotated(testClass, Unchecked.class);
        return inCore && !exempt;
    }

    /** Polls {@code leaks} every 10 ms until it is empty or the deadline passes; the last answer. */
    private static List<String> waitForEmpty(long deadlineNanos, Supplier<List<String>> leaks) throws InterruptedException {
        List<String> found = leaks.get();
        while (!found.isEmpty() && System.nanoTime() - deadlineNanos < 0) {
            Thread.sleep(10);
            found = leaks.get();
        }
        return found;
    }

    private static List<String> startedSince(Baseline baseline) {
        return engineThreads().stream().filter(t -> !baseline.engineThreads().contains(t))
                .map(Thread::getName).sorted().toList();
    }

    private static Set<Thread> engineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> ENGINE_THREAD_PREFIXES.stream().anyMatch(t.getName()::startsWith))
                .collect(Collectors.toSet());
    }

    private static int networkDescriptors() {
        return networkTargets().size();
    }

    /** Sockets ({@code socket:[inode]}) and selectors ({@code anon_inode:[eventpoll]}) this JVM holds; none counted without /proc. */
    private static List<String> networkTargets() {
        if (!OpenFiles.supported()) {
            return List.of();
        }
        return OpenFiles.targets().stream()
                .filter(t -> t.startsWith("socket:") || t.equals("anon_inode:[eventpoll]"))
                .toList();
    }
}
