package dev.multifetch.autoconfigure;

import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Explains a {@code multifetch.*} value that core refused at startup: each property by its
 * configuration name, the value, where it was set, and core's reason (such as
 * {@code maxHostConnections < 0: -1}). Ordered before Boot's generic analyzer for binding
 * errors, which would name the Java field instead.
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
            description.append(describe(errors.getName(), error));
        }
        return new FailureAnalysis(description.toString(),
                "Update the property in your application's configuration. Each multifetch.* property, "
                        + "with its default, is described in the configuration metadata your IDE shows.",
                cause);
    }

    private static String describe(ConfigurationPropertyName prefix, ObjectError error) {
        StringBuilder text = new StringBuilder();
        if (error instanceof FieldError field) {
            text.append("%n    Property: %s.%s".formatted(prefix, DataObjectPropertyName.toDashedForm(field.getField())));
            text.append("%n    Value: \"%s\"".formatted(field.getRejectedValue()));
            Origin origin = Origin.from(field);
            if (origin != null) {
                text.append("%n    Origin: %s".formatted(origin));
            }
        }
        return text.append("%n    Reason: %s%n".formatted(error.getDefaultMessage())).toString();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
