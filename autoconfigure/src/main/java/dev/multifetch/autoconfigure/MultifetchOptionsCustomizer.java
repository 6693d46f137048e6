package dev.multifetch.autoconfigure;

import dev.multifetch.core.MultiOptions;

/**
 * Customizes the {@link MultiOptions.Builder} of the auto-configured engine after the
 * {@code multifetch.*} properties and the {@link dev.multifetch.core.FetchListener} beans have
 * been applied: the place for options that are code, not configuration, such as a
 * {@link dev.multifetch.core.ConnectPolicy} or fixed addresses ({@code resolve}). Beans of this
 * type are applied in {@link org.springframework.core.Ordered order}.
 */
@FunctionalInterface
public interface MultifetchOptionsCustomizer {

    /** Customizes {@code options}; called once, before the engine is built. */
    void customize(MultiOptions.Builder options);
}
