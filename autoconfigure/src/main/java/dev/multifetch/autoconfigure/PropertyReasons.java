package dev.multifetch.autoconfigure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.validation.Errors;

/**
 * Core's reasons for refusing a value, said in a property's terms. Core names its Java field and
 * shows the value as Java prints it ({@code maxHostConnections < 0: -1},
 * {@code connectTimeout must be positive: PT-5S}, {@code retry maxRetries must be 0 to 100: 101});
 * a startup report names the property and shows the value as written, so the reason keeps only
 * the rule: {@code must be at least 0}.
 */
final class PropertyReasons {

    /** Words naming what a setting belongs to, ahead of its field: {@code politeness }, {@code retry budget }. */
    private static final String OWNER = "(?:[a-z]+ )*";

    /** {@code field < n: value}: core's lower bound. */
    private static final Pattern BELOW = Pattern.compile(OWNER + "[a-z][A-Za-z0-9]* < (-?\\d+): .*", Pattern.DOTALL);

    /** {@code field > n bytes: value}: an int-sized value past its upper bound. */
    private static final Pattern ABOVE = Pattern.compile(OWNER + "[a-z][A-Za-z0-9]* > (\\d+) (\\w+): .*", Pattern.DOTALL);

    /** {@code field rule: value}, {@code field rule}: any other rule of core's, after its field's name. */
    private static final Pattern RULE = Pattern.compile(OWNER + "[a-z]+[A-Z][A-Za-z0-9]* (.+?)(?:: .*)?", Pattern.DOTALL);

    /** {@code words must rule: value}: a rule of a value core names in words ({@code rate burst}); the words stay. */
    private static final Pattern MUST = Pattern.compile("(.+? must .+?)(?:: .*)?", Pattern.DOTALL);

    private PropertyReasons() {
    }

    /**
     * Runs {@code attempt}, one of core's checks of the value of {@code field} (a path from
     * {@code multifetch}, such as {@code retry.maxRetries}), and rejects the field with core's rule
     * when core refuses the value; core's builders refuse {@code null}, which a blank value binds
     * to, with a {@link NullPointerException}: the field must then be set.
     */
    static void check(Errors errors, String field, Runnable attempt) {
        try {
            attempt.run();
        }
        catch (IllegalArgumentException ex) {
            errors.rejectValue(field, "invalid", of(ex.getMessage()));
        }
        catch (NullPointerException ex) {
            errors.rejectValue(field, "required", "must be set");
        }
    }

    /** The rule in {@code coreMessage}, without core's field name and value; the message itself if it has neither. */
    static String of(String coreMessage) {
        if (coreMessage == null) {
            return "invalid";
        }
        Matcher below = BELOW.matcher(coreMessage);
        if (below.matches()) {
            return "must be at least " + below.group(1);
        }
        Matcher above = ABOVE.matcher(coreMessage);
        if (above.matches()) {
            return "must be at most " + above.group(1) + " " + above.group(2);
        }
        Matcher rule = RULE.matcher(coreMessage);
        if (rule.matches()) {
            return rule.group(1);
        }
        Matcher must = MUST.matcher(coreMessage);
        return must.matches() ? must.group(1) : coreMessage;
    }
}
