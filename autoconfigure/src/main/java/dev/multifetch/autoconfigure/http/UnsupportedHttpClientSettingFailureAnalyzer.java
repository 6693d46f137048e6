package dev.multifetch.autoconfigure.http;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains an HTTP client setting the engine cannot honour, and how to start anyway. */
final class UnsupportedHttpClientSettingFailureAnalyzer
        extends AbstractFailureAnalyzer<UnsupportedHttpClientSettingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedHttpClientSettingException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Remove " + cause.setting() + " (or the matching setting of an HTTP service group), or let Spring "
                        + "Boot pick another client for RestClient and WebClient with "
                        + "spring.http.clients.imperative.factory and spring.http.clients.reactive.connector.",
                cause);
    }
}
