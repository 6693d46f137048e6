package dev.multifetch.core.http2;

import java.util.HashMap;
import java.util.Map;

/**
 * The 61 fields of HPACK's static table (RFC 7541 Appendix A), and lookups by name and by
 * name and value that allocate nothing. Immutable, so safe on any thread.
 *
 * <p>Lookups return index 0 when nothing matches: HPACK never uses index 0, so it cannot be
 * mistaken for an entry, and the encoder's hot path needs no boxing or optional.
 */
final class StaticTable {

    private static final HeaderField[] FIELDS = {
        null, // indices start at 1
        new HeaderField(":authority", ""),
        new HeaderField(":method", "GET"),
        new HeaderField(":method", "POST"),
        new HeaderField(":path", "/"),
        new HeaderField(":path", "/index.html"),
        new HeaderField(":scheme", "http"),
        new HeaderField(":scheme", "https"),
        new HeaderField(":status", "200"),
        new HeaderField(":status", "204"),
        new HeaderField(":status", "206"),
        new HeaderField(":status", "304"),
        new HeaderField(":status", "400"),
        new HeaderField(":status", "404"),
        new HeaderField(":status", "500"),
        new HeaderField("accept-charset", ""),
        new HeaderField("accept-encoding", "gzip, deflate"),
        new HeaderField("accept-language", ""),
        new HeaderField("accept-ranges", ""),
        new HeaderField("accept", ""),
        new HeaderField("access-control-allow-origin", ""),
        new HeaderField("age", ""),
        new HeaderField("allow", ""),
        new HeaderField("authorization", ""),
        new HeaderField("cache-control", ""),
        new HeaderField("content-disposition", ""),
        new HeaderField("content-encoding", ""),
        new HeaderField("content-language", ""),
        new HeaderField("content-length", ""),
        new HeaderField("content-location", ""),
        new HeaderField("content-range", ""),
        new HeaderField("content-type", ""),
        new HeaderField("cookie", ""),
        new HeaderField("date", ""),
        new HeaderField("etag", ""),
        new HeaderField("expect", ""),
        new HeaderField("expires", ""),
        new HeaderField("from", ""),
        new HeaderField("host", ""),
        new HeaderField("if-match", ""),
        new HeaderField("if-modified-since", ""),
        new HeaderField("if-none-match", ""),
        new HeaderField("if-range", ""),
        new HeaderField("if-unmodified-since", ""),
        new HeaderField("last-modified", ""),
        new HeaderField("link", ""),
        new HeaderField("location", ""),
        new HeaderField("max-forwards", ""),
        new HeaderField("proxy-authenticate", ""),
        new HeaderField("proxy-authorization", ""),
        new HeaderField("range", ""),
        new HeaderField("referer", ""),
        new HeaderField("refresh", ""),
        new HeaderField("retry-after", ""),
        new HeaderField("server", ""),
        new HeaderField("set-cookie", ""),
        new HeaderField("strict-transport-security", ""),
        new HeaderField("transfer-encoding", ""),
        new HeaderField("user-agent", ""),
        new HeaderField("vary", ""),
        new HeaderField("via", ""),
        new HeaderField("www-authenticate", ""),
    };

    /** Number of entries; dynamic table indices start after it. */
    static final int LENGTH = FIELDS.length - 1;

    /** First index of each name; entries of one name are adjacent. */
    private static final Map<String, Integer> FIRST_INDEX = firstIndices();

    private StaticTable() {
    }

    /** The entry at {@code index}, 1 to {@link #LENGTH}. */
    static HeaderField get(int index) {
        return FIELDS[index];
    }

    /** The first index whose name is {@code name}, or 0 if none. */
    static int indexOf(String name) {
        Integer index = FIRST_INDEX.get(name);
        return index == null ? 0 : index;
    }

    /** The index of the entry {@code name: value}, or 0 if none. */
    static int indexOf(String name, String value) {
        int first = indexOf(name);
        if (first == 0) {
            return 0;
        }
        for (int i = first; i <= LENGTH && FIELDS[i].name().equals(name); i++) {
            if (FIELDS[i].value().equals(value)) {
                return i;
            }
        }
        return 0;
    }

    private static Map<String, Integer> firstIndices() {
        Map<String, Integer> first = new HashMap<>();
        for (int i = LENGTH; i >= 1; i--) {
            first.put(FIELDS[i].name(), i);
        }
        return first;
    }
}
