package dev.multifetch.sample.fetch;

import java.util.List;

/** A request that breaks one or more rules; answered 400 with every {@link Violation}. */
public class InvalidRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<Violation> violations;

    public InvalidRequestException(List<Violation> violations) {
        super(summary(violations));
        this.violations = List.copyOf(violations);
    }

    public InvalidRequestException(String field, String rule, String message) {
        this(List.of(new Violation(field, rule, message)));
    }

    public List<Violation> violations() {
        return this.violations;
    }

    private static String summary(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("no violations");
        }
        Violation first = violations.get(0);
        String more = (violations.size() > 1) ? " (and " + (violations.size() - 1) + " more)" : "";
        return first.field() + ": " + first.message() + more;
    }
}
