package dev.multifetch.core.http2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the header blocks of one connection (RFC 7541), keeping the dynamic table the peer's
 * encoder fills, and guards against hostile servers: every integer, string, index and table size
 * is checked before it is used, and each block is held to three limits, checked as fields are
 * decoded and before their strings are allocated. A limit breached ends the connection with
 * {@link ErrorCode#ENHANCE_YOUR_CALM}; a malformed encoding with {@link ErrorCode#COMPRESSION_ERROR}.
 * <ul>
 * <li>decoded bytes (name + value + 32 per field, RFC 9113 section 6.5.2), against the HPACK
 *     bomb (CVE-2016-6581): a table-sized entry referenced over and over;</li>
 * <li>fields, against the "HTTP/2 Bomb" (2026): many one-byte references to a small entry;</li>
 * <li>literals added to the dynamic table, {@value #MAX_INDEXED_LITERALS} (as the JDK client's
 *     {@code jdk.httpclient.maxLiteralWithIndexing}), against churning the table.</li>
 * </ul>
 * Strings are ISO-8859-1, one char per byte. Names are passed on as sent: checking them (lower
 * case, no pseudo-header after a regular one) is the caller's part of RFC 9113 section 8.2.
 *
 * <p>Memory is bounded by the table size we advertise plus a scratch array for one string of at
 * most {@code maxHeaderListBytes} bytes; no reference to a decoded block is kept. Not
 * thread-safe: confined to the driving thread of the connection that owns it.
 */
public final class HpackDecoder {

    /** Literals with incremental indexing allowed in one block. */
    static final int MAX_INDEXED_LITERALS = 512;

    /** A 31-bit integer needs at most five bytes after its prefix. */
    private static final int MAX_CONTINUATION_BYTES = 5;

    private final int maxTableSize;
    private final int maxHeaderListBytes;
    private final int maxFields;
    private final DynamicTable table;
    private byte[] scratch = new byte[64];
    private final StringCache strings = new StringCache();
    private Thread driver;

    /* the block being decoded */
    private int fields;
    private long listBytes;
    private int indexedLiterals;

    /** Receives the fields of a block in order. */
    @FunctionalInterface
    public interface FieldSink {

        /**
         * Takes one decoded field. An exception thrown here ends decoding at once and leaves the
         * dynamic table out of step with the peer's, so it must end the connection: a sink that
         * finds a stream error should note it and return.
         */
        void field(String name, String value) throws Http2Exception;
    }

    /**
     * A decoder with an empty dynamic table.
     *
     * @param maxTableSize the SETTINGS_HEADER_TABLE_SIZE we advertise (4096 by default): a
     *     dynamic table size update above it is a COMPRESSION_ERROR
     * @param maxHeaderListBytes the most decoded bytes one block may give, counting name + value
     *     + 32 per field (RFC 9113 section 6.5.2); more is ENHANCE_YOUR_CALM
     * @param maxFields the most fields one block may give; more is ENHANCE_YOUR_CALM
     */
    public HpackDecoder(int maxTableSize, int maxHeaderListBytes, int maxFields) {
        if (maxTableSize < 0) {
            throw new IllegalArgumentException("maxTableSize < 0: " + maxTableSize);
        }
        if (maxHeaderListBytes < HeaderField.OVERHEAD) {
            throw new IllegalArgumentException("maxHeaderListBytes < " + HeaderField.OVERHEAD + ": " + maxHeaderListBytes);
        }
        if (maxFields < 1) {
            throw new IllegalArgumentException("maxFields < 1: " + maxFields);
        }
        this.maxTableSize = maxTableSize;
        this.maxHeaderListBytes = maxHeaderListBytes;
        this.maxFields = maxFields;
        this.table = new DynamicTable(maxTableSize);
    }

    /**
     * Decodes one complete header block, all of it from position to limit, calling {@code sink}
     * for each field in order; on return the position is at the limit. The dynamic table carries
     * over to the next block.
     *
     * @throws Http2Exception a connection error, COMPRESSION_ERROR or ENHANCE_YOUR_CALM, or
     *     whatever {@code sink} threw
     */
    public void decode(ByteBuffer block, FieldSink sink) throws Http2Exception {
        assert confined() : "decode() called from " + Thread.currentThread().getName()
                + " while the decoder is driven by " + driver.getName();
        fields = 0;
        listBytes = 0;
        indexedLiterals = 0;
        while (block.hasRemaining()) {
            int first = block.get(block.position()) & 0xff;
            if (first >= 0x80) {
                indexedField(block, sink);
            } else if (first >= 0x40) {
                literalField(block, sink, 6, true);
            } else if (first >= 0x20) {
                sizeUpdate(block);
            } else {
                literalField(block, sink, 4, false);
            }
        }
    }

    /** Current size of the dynamic table, in HPACK's bytes. */
    int tableSize() {
        return table.size();
    }

    /** The dynamic table's entry at {@code index}, 1 being the newest; for tests. */
    HeaderField tableEntry(int index) {
        return table.get(index);
    }

    /** Number of entries in the dynamic table. */
    int tableLength() {
        return table.length();
    }

    private void indexedField(ByteBuffer block, FieldSink sink) throws Http2Exception {
        startField();
        HeaderField field = field(readInt(block, 7));
        count(field.size());
        listBytes += field.size();
        sink.field(field.name(), field.value());
    }

    private void literalField(ByteBuffer block, FieldSink sink, int prefixBits, boolean indexing)
            throws Http2Exception {
        startField();
        if (indexing && ++indexedLiterals > MAX_INDEXED_LITERALS) {
            throw calm("header block adds more than " + MAX_INDEXED_LITERALS + " fields to the HPACK dynamic table");
        }
        int nameIndex = readInt(block, prefixBits);
        String name = nameIndex == 0 ? readString(block, HeaderField.OVERHEAD) : field(nameIndex).name();
        String value = readString(block, name.length() + HeaderField.OVERHEAD);
        listBytes += HeaderField.size(name, value);
        if (indexing) {
            table.add(new HeaderField(name, value));
        }
        sink.field(name, value);
    }

    private void sizeUpdate(ByteBuffer block) throws Http2Exception {
        int size = readInt(block, 5);
        if (fields > 0) {
            throw malformed("HPACK dynamic table size update to " + size + " after field " + fields
                    + ": updates may only start a block");
        }
        if (size > maxTableSize) {
            throw malformed("HPACK dynamic table size update to " + size
                    + " exceeds our SETTINGS_HEADER_TABLE_SIZE of " + maxTableSize);
        }
        table.setMaxSize(size);
    }

    private void startField() throws Http2Exception {
        if (++fields > maxFields) {
            throw calm("header block has more than " + maxFields + " fields");
        }
    }

    /** Fails unless the current field's {@code fieldBytes} (so far) still fit in the block's limit. */
    private void count(long fieldBytes) throws Http2Exception {
        if (listBytes + fieldBytes > maxHeaderListBytes) {
            throw calm("header block exceeds " + maxHeaderListBytes + " decoded bytes (HPACK bomb?) at field " + fields
                    + " (" + listBytes + " bytes before it, at least " + fieldBytes + " in it)");
        }
    }

    private HeaderField field(int index) throws Http2Exception {
        if (index == 0) {
            throw malformed("HPACK index 0 does not name a field");
        }
        if (index <= StaticTable.LENGTH) {
            return StaticTable.get(index);
        }
        if (index - StaticTable.LENGTH > table.length()) {
            throw malformed("HPACK index " + index + " is beyond the static and dynamic tables ("
                    + StaticTable.LENGTH + " + " + table.length() + " entries)");
        }
        return table.get(index - StaticTable.LENGTH);
    }

    /**
     * Reads a string literal (RFC 7541 section 5.2). {@code counted} is what the field already
     * adds to the block's decoded bytes; the string's length is added and checked before the
     * string is made, and its encoded length before anything is read.
     */
    private String readString(ByteBuffer block, int counted) throws Http2Exception {
        if (!block.hasRemaining()) {
            throw malformed("HPACK string missing at the end of the block, field " + fields);
        }
        boolean huffman = (block.get(block.position()) & 0x80) != 0;
        int length = readInt(block, 7);
        if (length > block.remaining()) {
            throw malformed("HPACK string of " + length + " bytes is longer than the " + block.remaining()
                    + " bytes left in the block, field " + fields);
        }
        String known = length <= StringCache.MAX_ENCODED ? strings.get(block, length, huffman) : null;
        if (known != null) {
            count(counted + known.length());
            block.position(block.position() + length);
            return known;
        }
        int start = block.position();
        String value = huffman ? huffmanString(block, length, counted) : rawString(block, length, counted);
        if (length <= StringCache.MAX_ENCODED) {
            strings.put(block, start, length, huffman, value);
        }
        return value;
    }

    private String rawString(ByteBuffer block, int length, int counted) throws Http2Exception {
        count(counted + length);
        return isoString(block, length);
    }

    private String huffmanString(ByteBuffer block, int length, int counted) throws Http2Exception {
        count(counted);
        if (length > maxHeaderListBytes) {
            throw calm("HPACK Huffman string of " + length + " encoded bytes exceeds the header block limit of "
                    + maxHeaderListBytes + " decoded bytes, field " + fields);
        }
        ensureScratch(Huffman.maxDecodedLength(length));
        int decoded = Huffman.decode(block, length, scratch);
        count(counted + decoded);
        return new String(scratch, 0, decoded, StandardCharsets.ISO_8859_1);
    }

    private String isoString(ByteBuffer block, int length) {
        String s;
        if (block.hasArray()) {
            s = new String(block.array(), block.arrayOffset() + block.position(), length, StandardCharsets.ISO_8859_1);
            block.position(block.position() + length);
        } else {
            ensureScratch(length);
            block.get(scratch, 0, length);
            s = new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
        }
        return s;
    }

    private void ensureScratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, Math.min(scratch.length * 2, Huffman.maxDecodedLength(maxHeaderListBytes)))];
        }
    }

    /**
     * Reads an integer with a {@code prefixBits}-bit prefix (RFC 7541 section 5.1), up to
     * 2^31-1 in at most {@value #MAX_CONTINUATION_BYTES} bytes after the prefix.
     */
    private int readInt(ByteBuffer block, int prefixBits) throws Http2Exception {
        int mask = (1 << prefixBits) - 1;
        if (!block.hasRemaining()) {
            throw malformed("HPACK integer missing at the end of the block, field " + fields);
        }
        int value = block.get() & mask;
        if (value < mask) {
            return value;
        }
        long result = mask;
        for (int i = 0; i < MAX_CONTINUATION_BYTES; i++) {
            if (!block.hasRemaining()) {
                throw malformed("HPACK integer cut off by the end of the block after " + (i + 1) + " bytes, field " + fields);
            }
            int b = block.get() & 0xff;
            result += (long) (b & 0x7f) << (7 * i);
            if (result > Integer.MAX_VALUE) {
                throw malformed("HPACK integer exceeds 2^31-1: at least " + result + ", field " + fields);
            }
            if ((b & 0x80) == 0) {
                return (int) result;
            }
        }
        throw malformed("HPACK integer continues past " + MAX_CONTINUATION_BYTES + " bytes after its prefix, field " + fields);
    }

    private static Http2Exception malformed(String message) {
        return Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, message);
    }

    private static Http2Exception calm(String message) {
        return Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, message);
    }

    /** Binds the decoder to the first thread that decodes; true while that thread calls. */
    private boolean confined() {
        if (driver == null) {
            driver = Thread.currentThread();
        }
        return driver == Thread.currentThread();
    }
}
