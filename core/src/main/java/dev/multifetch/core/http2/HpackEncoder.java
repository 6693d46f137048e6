package dev.multifetch.core.http2;

import java.util.Set;

/**
 * Encodes the header blocks of one connection (RFC 7541) deterministically: the same fields
 * after the same table size changes always give the same bytes. A field is a static or dynamic
 * table index when the whole field is there; otherwise a literal that names its field by index
 * when it can, and whose strings are Huffman-coded when that is shorter.
 *
 * <p>Secrets are literals never indexed (RFC 7541 section 7.1.3), so they never enter a table an
 * attacker could probe by guessing: {@code authorization}, {@code proxy-authorization}, and
 * {@code cookie} and {@code set-cookie} values shorter than {@value #SHORT_COOKIE} bytes. Other
 * fields are remembered in the dynamic table unless their value changes from request to request
 * ({@code :path}, {@code content-length}, conditionals and ranges) or the entry would take more
 * than half the table.
 *
 * <p>The peer's decoder starts with a 4096-byte table (RFC 9113 section 6.5.2); this encoder
 * uses the smaller of its own maximum and the peer's, and tells the peer's decoder of each change
 * at the start of the next block. Allocates nothing per field beyond the output and the entries
 * it adds. Not thread-safe: confined to the driving thread of the connection that owns it.
 */
public final class HpackEncoder {

    /** SETTINGS_HEADER_TABLE_SIZE until the peer says otherwise. */
    private static final int DEFAULT_TABLE_SIZE = 4096;

    /** Cookies shorter than this are low in entropy: never indexed. */
    static final int SHORT_COOKIE = 20;

    private static final Set<String> ALWAYS_SENSITIVE = Set.of("authorization", "proxy-authorization");
    private static final Set<String> COOKIES = Set.of("cookie", "set-cookie");
    private static final Set<String> CHANGING = Set.of(":path", "content-length", "content-range", "range",
            "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range");

    private final int maxTableSize;
    private final DynamicTable table;
    /** The table size the peer's decoder knows of. */
    private int signalledSize = DEFAULT_TABLE_SIZE;
    /** The smallest table size used since the last block began. */
    private int smallestSize;
    private Thread driver;

    /**
     * An encoder with an empty dynamic table.
     *
     * @param maxTableSize the most dynamic table this encoder will use (4096 is usual)
     */
    public HpackEncoder(int maxTableSize) {
        if (maxTableSize < 0) {
            throw new IllegalArgumentException("maxTableSize < 0: " + maxTableSize);
        }
        this.maxTableSize = maxTableSize;
        this.smallestSize = Math.min(maxTableSize, DEFAULT_TABLE_SIZE);
        this.table = new DynamicTable(smallestSize);
    }

    /**
     * The peer's SETTINGS_HEADER_TABLE_SIZE changed: from now on the table is the smaller of ours
     * and {@code size}, and the next block begins with a size update (at most two: the smallest
     * size reached since the last block, then the final one; RFC 7541 section 4.2).
     */
    public void peerMaxTableSize(long size) {
        assert confined() : thread("peerMaxTableSize");
        if (size < 0 || size > 0xffff_ffffL) {
            throw new IllegalArgumentException("SETTINGS_HEADER_TABLE_SIZE out of range: " + size);
        }
        int newSize = (int) Math.min(maxTableSize, size);
        table.setMaxSize(newSize);
        smallestSize = Math.min(smallestSize, newSize);
    }

    /** Starts a header block: writes any pending dynamic table size update. */
    public void beginBlock(ByteOutput out) {
        assert confined() : thread("beginBlock");
        if (smallestSize < signalledSize) {
            writeInt(out, 0x20, 5, smallestSize);
            signalledSize = smallestSize;
        }
        if (table.maxSize() != signalledSize) {
            writeInt(out, 0x20, 5, table.maxSize());
            signalledSize = table.maxSize();
        }
        smallestSize = signalledSize;
    }

    /**
     * Appends one field to the block begun by {@link #beginBlock}. The name is already lower case;
     * both strings are ISO-8859-1.
     *
     * @throws IllegalArgumentException if a char is above 0xff
     */
    public void field(String name, String value, ByteOutput out) {
        assert confined() : thread("field");
        int staticIndex = StaticTable.indexOf(name, value);
        if (staticIndex != 0) {
            writeInt(out, 0x80, 7, staticIndex);
            return;
        }
        boolean sensitive = ALWAYS_SENSITIVE.contains(name) || COOKIES.contains(name) && value.length() < SHORT_COOKIE;
        if (sensitive) {
            writeLiteral(out, 0x10, 4, name, value);
            return;
        }
        int dynamicIndex = table.indexOf(name, value);
        if (dynamicIndex != 0) {
            writeInt(out, 0x80, 7, StaticTable.LENGTH + dynamicIndex);
        } else if (!CHANGING.contains(name) && HeaderField.size(name, value) <= table.maxSize() / 2) {
            writeLiteral(out, 0x40, 6, name, value);
            table.add(new HeaderField(name, value));
        } else {
            writeLiteral(out, 0x00, 4, name, value);
        }
    }

    /** Current size of the dynamic table, in HPACK's bytes. */
    int tableSize() {
        return table.size();
    }

    /** A literal: the representation's flags, its name by index when one has it, then the value. */
    private void writeLiteral(ByteOutput out, int flags, int prefixBits, String name, String value) {
        int nameIndex = StaticTable.indexOf(name);
        if (nameIndex == 0) {
            int dynamicIndex = table.indexOf(name);
            nameIndex = dynamicIndex == 0 ? 0 : StaticTable.LENGTH + dynamicIndex;
        }
        writeInt(out, flags, prefixBits, nameIndex);
        if (nameIndex == 0) {
            writeString(out, name);
        }
        writeString(out, value);
    }

    private static void writeString(ByteOutput out, String s) {
        int huffmanLength = Huffman.encodedLength(s);
        if (huffmanLength < s.length()) {
            writeInt(out, 0x80, 7, huffmanLength);
            Huffman.encode(s, out);
        } else {
            writeInt(out, 0x00, 7, s.length());
            for (int i = 0; i < s.length(); i++) {
                out.write(s.charAt(i));
            }
        }
    }

    /** An integer with a {@code prefixBits}-bit prefix after {@code flags} (RFC 7541 section 5.1). */
    static void writeInt(ByteOutput out, int flags, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(flags | value);
            return;
        }
        out.write(flags | max);
        int rest = value - max;
        while (rest >= 0x80) {
            out.write((rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }

    private String thread(String call) {
        return call + "() called from " + Thread.currentThread().getName() + " while the encoder is driven by "
                + driver.getName();
    }

    /** Binds the encoder to the first thread that calls it; true while that thread calls. */
    private boolean confined() {
        if (driver == null) {
            driver = Thread.currentThread();
        }
        return driver == Thread.currentThread();
    }
}
