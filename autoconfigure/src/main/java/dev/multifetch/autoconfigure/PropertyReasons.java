package dev.multifetch.autoconfigure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Core's reasons for refusing a value, said in a property's terms. Core names its Java field and
 * shows the value as Java prints it ({@code maxHostConnections < 0: -1},
 * {@code connectTimeout must be positive: PT-5S}); a startup report names the property and shows
 * the value as written, so the reason keeps only the rule: {@code must be at least 0}.
 */
final class PropertyReasons {

    /** {@code field < n: value}: core's lower bound. */
    private static final Pattern BELOW = Pattern.compile("[a-z][A-Za-z0-9]* < (-?\\d+): .*", Pattern.DOTALL);

    /** {@code field > n bytes: value}: an int-sized value past its upper bound. */
    private static final Pattern ABOVE = Pattern.compile("[a-z][A-Za-z0-9]* > (\\d+) (\\w+): .*", Pattern.DOTALL);

    /** {@code field rule: value}, {@code field rule}: any other rule of core's, after its field's name. */
    private static final Pattern RULE = Pattern.compile("[a-z]+[A-Z][A-Za-z0-9]* (.+?)(?:: .*)?", Pattern.DOTALL);

    private PropertyReasons() {
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
        return rule.matches() ? rule.group(1) : coreMessage;
    }
}
