package dev.multifetch.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, ordered list of header fields. Names are compared without regard to case;
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

    /** The value of the first field called {@code name}, if any. */
    public Optional<String> first(String name) {
        for (Map.Entry<String, String> e : entries) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** The values of every field called {@code name}, in order. */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> e : entries) {
            if (e.getKey().equalsIgnoreCase(name)) {
                values.add(e.getValue());
            }
        }
        return values;
    }

    /** Whether a field called {@code name} is present. */
    public boolean contains(String name) {
        return first(name).isPresent();
    }

    /** The number of fields. */
    public int size() {
        return entries.size();
    }

    /** Whether any field called {@code name} lists {@code token} (comma-separated, any case). */
    public boolean hasToken(String name, String token) {
        String wanted = token.toLowerCase(Locale.ROOT);
        for (String value : all(name)) {
            for (String part : value.split(",")) {
                if (part.trim().toLowerCase(Locale.ROOT).equals(wanted)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
