package dev.multifetch.autoconfigure.testing;

import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalysisReporter;

/**
 * Keeps the last startup failure report, as Boot hands it to its reporters, so a test that fails
 * an application on purpose asserts on the report rather than printing it into the build log
 * (the tests' {@code logging.properties} quiets Boot's logging reporter). Registered in the tests'
 * {@code META-INF/spring.factories}.
 */
public final class RecordingFailureAnalysisReporter implements FailureAnalysisReporter {

    private static final AtomicReference<String> last = new AtomicReference<>();

    @Override
    public void report(FailureAnalysis analysis) {
        last.set(analysis.getDescription() + "\n" + analysis.getAction());
    }

    /** The report of the failure {@code action} ends in: description, then action; empty if none was made. */
    public static String reportOf(Runnable action) {
        last.set("");
        try {
            action.run();
        } catch (RuntimeException expected) {
            // the application failed to start, as the test wants; the report is what it asserts on
        }
        return last.get();
    }
}
