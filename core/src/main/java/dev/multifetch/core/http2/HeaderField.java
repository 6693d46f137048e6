package dev.multifetch.core.http2;

/** One name-value pair of an HPACK table, immutable. Both strings are ISO-8859-1, one char per byte. */
record HeaderField(String name, String value) {

    /** What every entry costs beyond its name and value (RFC 7541 section 4.1). */
    static final int OVERHEAD = 32;

    /** The entry's size as HPACK counts it: name and value lengths plus {@link #OVERHEAD}. */
    int size() {
        return size(name, value);
    }

    /** The size an entry of {@code name} and {@code value} would have. */
    static int size(String name, String value) {
        return name.length() + value.length() + OVERHEAD;
    }
}
