package dev.multifetch.core.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Silences the named loggers (the engine logs through {@link System.Logger}, which is
 * java.util.logging here) for one test that makes them log on purpose: a listener that throws, a
 * selector loop failed by design. What the test expects stays out of the build log; the test
 * asserts on the failure itself, and its own assertion errors are reported as ever.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@ExtendWith(QuietLogs.Extension.class)
public @interface QuietLogs {

    /** The loggers to silence, by name: the logging class's name. */
    String[] value();

    /** Sets the loggers to OFF before the test and back to their level after it. */
    final class Extension implements BeforeEachCallback, AfterEachCallback {

        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(QuietLogs.class);

        @Override
        public void beforeEach(ExtensionContext context) {
            QuietLogs quiet = context.getRequiredTestMethod().getAnnotation(QuietLogs.class);
            if (quiet == null) {
                quiet = context.getRequiredTestClass().getAnnotation(QuietLogs.class);
            }
            List<Logger> loggers = new ArrayList<>();
            List<Level> levels = new ArrayList<>();
            for (String name : quiet.value()) {
                Logger logger = Logger.getLogger(name);
                loggers.add(logger);
                levels.add(logger.getLevel());
                logger.setLevel(Level.OFF);
            }
            // the store keeps the loggers strongly reachable, so their level is not lost to a collection
            context.getStore(NAMESPACE).put("loggers", loggers);
            context.getStore(NAMESPACE).put("levels", levels);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void afterEach(ExtensionContext context) {
            List<Logger> loggers = context.getStore(NAMESPACE).remove("loggers", List.class);
            List<Level> levels = context.getStore(NAMESPACE).remove("levels", List.class);
            for (int i = 0; i < loggers.size(); i++) {
                loggers.get(i).setLevel(levels.get(i));
            }
        }
    }
}
