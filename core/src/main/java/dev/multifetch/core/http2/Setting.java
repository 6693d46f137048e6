package dev.multifetch.core.http2;

/**
 * One parameter of a SETTINGS frame (RFC 9113 section 6.5.1): a 16-bit identifier and an
 * unsigned 32-bit value.
 *
 * @param id    the identifier, one of the constants here or an extension's (0..0xffff)
 * @param value the value (0..0xffffffff)
 */
public record Setting(int id, long value) {

    /** SETTINGS_HEADER_TABLE_SIZE: the HPACK dynamic table the sender's decoder allows. */
    public static final int HEADER_TABLE_SIZE = 1;
    /** SETTINGS_ENABLE_PUSH: 0 or 1. */
    public static final int ENABLE_PUSH = 2;
    /** SETTINGS_MAX_CONCURRENT_STREAMS: streams the sender lets its peer open. */
    public static final int MAX_CONCURRENT_STREAMS = 3;
    /** SETTINGS_INITIAL_WINDOW_SIZE: the sender's initial stream receive window, at most 2^31 - 1. */
    public static final int INITIAL_WINDOW_SIZE = 4;
    /** SETTINGS_MAX_FRAME_SIZE: the largest frame payload the sender accepts, 2^14..2^24 - 1. */
    public static final int MAX_FRAME_SIZE = 5;
    /** SETTINGS_MAX_HEADER_LIST_SIZE: advisory limit on a decoded field section. */
    public static final int MAX_HEADER_LIST_SIZE = 6;

    private static final String[] NAMES = {
        null, "SETTINGS_HEADER_TABLE_SIZE", "SETTINGS_ENABLE_PUSH", "SETTINGS_MAX_CONCURRENT_STREAMS",
        "SETTINGS_INITIAL_WINDOW_SIZE", "SETTINGS_MAX_FRAME_SIZE", "SETTINGS_MAX_HEADER_LIST_SIZE"
    };

    /** A setting; an id or value out of its field's range is an {@link IllegalArgumentException}. */
    public Setting {
        if (id < 0 || id > 0xffff) {
            throw new IllegalArgumentException("setting id out of 0..0xffff: " + id);
        }
        if (value < 0 || value > 0xffff_ffffL) {
            throw new IllegalArgumentException("value of setting " + id + " out of 0..0xffffffff: " + value);
        }
    }

    /** Whether the id is one of the six RFC 9113 defines. */
    boolean known() {
        return id >= HEADER_TABLE_SIZE && id <= MAX_HEADER_LIST_SIZE;
    }

    /** The identifier's name, such as {@code SETTINGS_MAX_FRAME_SIZE}; an unknown id as {@code setting 0x10}. */
    static String name(int id) {
        return id >= HEADER_TABLE_SIZE && id <= MAX_HEADER_LIST_SIZE ? NAMES[id] : "setting 0x" + Integer.toHexString(id);
    }

    @Override
    public String toString() {
        return name(id) + "=" + value;
    }
}
