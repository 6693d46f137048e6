package dev.multifetch.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains an SSL bundle named in {@code multifetch.ssl.bundle} that is missing or unusable. */
final class InvalidSslBundleFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSslBundleException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSslBundleException cause) {
        String name = cause.bundleName();
        String action = cause.isUndefined()
                ? "Define the bundle under spring.ssl.bundle.pem." + name + " or spring.ssl.bundle.jks." + name
                        + ", or correct " + cause.property() + "."
                : "Change the options of the SSL bundle '" + name + "', or name another bundle in "
                        + cause.property() + ".";
        return new FailureAnalysis(cause.getMessage(), action, cause);
    }
}
