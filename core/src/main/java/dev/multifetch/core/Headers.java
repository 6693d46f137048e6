package dev.multifetch.core;

import dev.multifetch.core.http1.HeaderBlock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, ordered list of header fields. Names are compared without regard to ASCII case;
 * order and duplicates are kept as received.
 */
public final class Headers {

    /** The empty header list. */
    public static final Headers EMPTY = new Headers(List.of());

    private final List<Map.Entry<String, String>> entries;

    private Headers(List<Map.Entry<String, String>> entries) {
        this.entries = entries;
    }

    /** A header list of the given fields, in order. */
    public static Headers of(List<Map.Entry<String, String>> fields) {
        if (fields.isEmpty()) {
            return EMPTY;
        }
        if (fields instanceof HeaderBlock) {
            // a parsed response head: immutable, read as bytes until a field is asked for as strings
            return new Headers(fields);
        }
        List<Map.Entry<String, String>> copy = new ArrayList<>(fields.size());
        for (Map.Entry<String, String> field : fields) {
            // entries made by Map.entry are immutable already: no need to copy them again
            copy.add(field.getClass() == IMMUTABLE_ENTRY ? field : Map.entry(field.getKey(), field.getValue()));
        }
        return new Headers(Collections.unmodifiableList(copy));
    }

    private static final Class<?> IMMUTABLE_ENTRY = Map.entry("", "").getClass();

    /** Every field, in the order received. */
    public List<Map.Entry<String, String>> entries() {
        return entries;
    }

    /** The value of the first field called {@code name} (in any ASCII case), if any. */
    public Optional<String> first(String name) {
        if (entries instanceof HeaderBlock block) {
            return Optional.ofNullable(block.first(name));
        }
        for (int i = 0; i < entries.size(); i++) {
            Map.Entry<String, String> e = entries.get(i);
            if (sameName(e.getKey(), name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** The values of every field called {@code name}, in order. */
    public List<String> all(String name) {
        if (entries instanceof HeaderBlock block) {
            return block.all(name);
        }
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < entries.size(); i++) {
            Map.Entry<String, String> e = entries.get(i);
            if (sameName(e.getKey(), name)) {
                values.add(e.getValue());
            }
        }
        return values;
    }

    /** Whether a field called {@code name} is present. */
    public boolean contains(String name) {
        if (entries instanceof HeaderBlock block) {
            return block.indexOf(name, 0) >= 0;
        }
        return first(name).isPresent();
    }

    /** The number of fields. */
    public int size() {
        return entries.size();
    }

    /** Whether any field called {@code name} lists {@code token} (comma-separated, any ASCII case). */
    public boolean hasToken(String name, String token) {
        if (entries instanceof HeaderBlock block) {
            return block.hasToken(name, token);
        }
        for (int i = 0; i < entries.size(); i++) {
            Map.Entry<String, String> e = entries.get(i);
            if (sameName(e.getKey(), name) && listsToken(e.getValue(), token)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one comma-separated element of {@code value}, trimmed, is {@code token} in any ASCII case. */
    private static boolean listsToken(String value, String token) {
        for (int at = 0; at <= value.length(); ) {
            int comma = value.indexOf(',', at);
            int end = comma < 0 ? value.length() : comma;
            int from = at;
            int to = end;
            while (from < to && value.charAt(from) <= ' ') {
                from++;
            }
            while (to > from && value.charAt(to - 1) <= ' ') {
                to--;
            }
            if (to - from == token.length() && sameName(value.substring(from, to), token)) {
                return true;
            }
            at = end + 1;
        }
        return false;
    }

    /**
     * Field names (and the tokens of a field's value) compare ignoring ASCII case only, as HTTP
     * says: no Unicode folding, so "\u017fERVER" is not "Server".
     */
    private static boolean sameName(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (!HeaderBlock.sameIgnoringAsciiCase(a.charAt(i), b.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
