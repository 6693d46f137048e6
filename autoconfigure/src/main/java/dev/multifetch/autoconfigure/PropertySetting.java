package dev.multifetch.autoconfigure;

import java.util.function.Consumer;

import org.springframework.validation.Errors;

/**
 * One property, by its field path from {@code multifetch} ({@code maxHostConnections},
 * {@code retry.maxRetries}), and how it is applied to a core builder. Boot reports a rejected
 * field with its origin, such as {@code "multifetch.max-host-connections" from property source
 * "applicationConfig: [classpath:/application.properties]"}.
 */
record PropertySetting<B>(String field, Consumer<B> setter) {

    /** Tries the value on {@code builder} alone and rejects the field if core refuses it. */
    void check(B builder, Errors errors) {
        PropertyReasons.check(errors, this.field, () -> this.setter.accept(builder));
    }
}
