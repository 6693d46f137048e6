package dev.multifetch.core.http1;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The header fields of one response head, kept as the bytes that arrived: a field becomes a pair
 * of strings only when somebody reads it as one, and lookups by name compare bytes. The parser
 * checked every field (a token name, no NUL, no CR or LF) before it built the block. Immutable
 * once built, so it may be read from any thread; a {@link List} of immutable entries, as
 * {@link dev.multifetch.core.Headers} keeps them.
 */
public final class HeaderBlock extends AbstractList<Map.Entry<String, String>> implements RandomAccess {

    private final byte[] bytes;
    /** Per field: name start, name end, value start, value end. */
    private final int[] ranges;
    private final int count;
    /** Entries already read as strings; made on the first such read. */
    private Map.Entry<?, ?>[] made;

    HeaderBlock(byte[] bytes, int[] ranges, int count) {
        this.bytes = bytes;
        this.ranges = ranges;
        this.count = count;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map.Entry<String, String> get(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("field " + i + " of " + count);
        }
        // racing readers may each build the array or an entry: equal, immutable, safely published by final fields
        Map.Entry<?, ?>[] cache = made;
        if (cache == null) {
            cache = new Map.Entry<?, ?>[count];
            made = cache;
        }
        Map.Entry<String, String> e = (Map.Entry<String, String>) cache[i];
        if (e == null) {
            e = Map.entry(text(ranges[4 * i], ranges[4 * i + 1]), value(i));
            cache[i] = e;
        }
        return e;
    }

    /** The index of the first field called {@code name} (any case) at or after {@code from}; -1 if none. */
    public int indexOf(String name, int from) {
        for (int i = Math.max(from, 0); i < count; i++) {
            if (nameIs(i, name)) {
                return i;
            }
        }
        return -1;
    }

    /** The value of field {@code i}. */
    public String value(int i) {
        return text(ranges[4 * i + 2], ranges[4 * i + 3]);
    }

    /** The value of the first field called {@code name}, or null. */
    public String first(String name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : value(i);
    }

    /** The values of every field called {@code name}, in order. */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>(2);
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            values.add(value(i));
        }
        return values;
    }

    /** Whether any field called {@code name} lists {@code token} among its comma-separated elements, in any case. */
    public boolean hasToken(String name, String token) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            int at = ranges[4 * i + 2];
            int end = ranges[4 * i + 3];
            while (at <= end) {
                int comma = at;
                while (comma < end && bytes[comma] != ',') {
                    comma++;
                }
                int from = at;
                int to = comma;
                while (from < to && isSpace(bytes[from])) {
                    from++;
                }
                while (to > from && isSpace(bytes[to - 1])) {
                    to--;
                }
                if (equalsIgnoreCase(from, to, token)) {
                    return true;
                }
                at = comma + 1;
            }
        }
        return false;
    }

    /** The raw bytes of field {@code i}'s value, for parsers of framing fields. */
    byte valueByte(int i, int offset) {
        return bytes[ranges[4 * i + 2] + offset];
    }

    /** Length of field {@code i}'s value in bytes. */
    int valueLength(int i) {
        return ranges[4 * i + 3] - ranges[4 * i + 2];
    }

    private boolean nameIs(int i, String name) {
        return equalsIgnoreCase(ranges[4 * i], ranges[4 * i + 1], name);
    }

    private boolean equalsIgnoreCase(int from, int to, String s) {
        if (to - from != s.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (!sameIgnoringAsciiCase(bytes[from + k] & 0xff, s.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether two characters are equal ignoring ASCII case only, as HTTP compares field names and
     * tokens: no Unicode folding, so U+017F (long s) is not 's'. {@link dev.multifetch.core.Headers} uses it too.
     */
    public static boolean sameIgnoringAsciiCase(int a, int b) {
        int lower = b | 0x20;
        return a == b || (b <= 0x7f && (a | 0x20) == lower && lower >= 'a' && lower <= 'z');
    }

    /** What {@link String#trim()} strips. */
    private static boolean isSpace(byte b) {
        return (b & 0xff) <= ' ';
    }

    private String text(int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
