package dev.multifetch.autoconfigure;

import dev.multifetch.core.FetchEngine;

/**
 * Customizes the {@link FetchEngine.Builder} of the auto-configured engine after the
 * {@code multifetch.*} properties have been applied and before the engine starts. Beans of this
 * type are applied in {@link org.springframework.core.Ordered order}.
 */
@FunctionalInterface
public interface MultifetchEngineCustomizer {

    /** Customizes {@code builder}; called once, before {@link FetchEngine.Builder#build()}. */
    void customize(FetchEngine.Builder builder);
}
