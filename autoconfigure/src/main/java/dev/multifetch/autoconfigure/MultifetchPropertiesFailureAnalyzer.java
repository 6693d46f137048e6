package dev.multifetch.autoconfigure;

import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Explains a {@code multifetch.*} value that core refused at startup in the user's terms: each
 * property by its configuration name, the value as written ({@code -5s}, not the bound
 * {@code PT-5S}; a proxy's password masked), where it was set, and the rule it broke
 * ({@code must be at least 0}). Ordered
 * before Boot's generic analyzer for binding errors, which would name the Java field instead.
 */
final class MultifetchPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<BindValidationException>
        implements Ordered {

    private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("multifetch");

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindValidationException cause) {
        ValidationErrors errors = cause.getValidationErrors();
        if (!PREFIX.equals(errors.getName()) && !PREFIX.isAncestorOf(errors.getName())) {
            return null;
        }
        StringBuilder description = new StringBuilder("Invalid multifetch configuration:%n".formatted());
        for (ObjectError error : errors.getAllErrors()) {
            description.append(describe(errors, error));
        }
        return new FailureAnalysis(description.toString(),
                "Update the property in your application's configuration. Each multifetch.* property, "
                        + "with its default, is described in the configuration metadata your IDE shows.",
                cause);
    }

    private static String describe(ValidationErrors errors, ObjectError error) {
        StringBuilder text = new StringBuilder();
        if (error instanceof FieldError field) {
            ConfigurationPropertyName name = ConfigurationPropertyName
                .of(errors.getName() + "." + DataObjectPropertyName.toDashedForm(field.getField()));
            ConfigurationProperty written = boundProperty(errors, name);
            text.append("%n    Property: %s".formatted(name));
            Object value = (written != null) ? ProxyCredentials.shown(name.toString(), written.getValue())
                    : field.getRejectedValue();
            text.append("%n    Value: \"%s\"".formatted(value));
            Origin origin = (written != null && written.getOrigin() != null) ? written.getOrigin() : Origin.from(field);
            if (origin != null) {
                text.append("%n    Origin: %s".formatted(origin));
            }
        }
        return text.append("%n    Reason: %s%n".formatted(error.getDefaultMessage())).toString();
    }

    /** The property as its source holds it: the value as the user wrote it ({@code -5s}, not {@code PT-5S}). */
    private static ConfigurationProperty boundProperty(ValidationErrors errors, ConfigurationPropertyName name) {
        return errors.getBoundProperties()
            .stream()
            .filter((property) -> property.getName().equals(name))
            .findFirst()
            .orElse(null);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
