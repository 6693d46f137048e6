package dev.multifetch.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The test fixtures' own HPACK (RFC 7541), written apart from the code under test so that a
 * fixture never trusts it: an encoder that only emits literals without indexing and without
 * Huffman coding (so every block it makes is valid whatever the peer's table holds), and a
 * decoder of everything a peer may send — static and dynamic table indexing, the three literal
 * forms, table size updates and Huffman strings.
 *
 * <p>A decoder keeps the dynamic table of one direction of one connection; it is not thread-safe.
 */
public final class H2Hpack {

    /** RFC 7541 Appendix A, index 1 first. */
    private static final String[][] STATIC_TABLE = {
        {":authority", ""}, {":method", "GET"}, {":method", "POST"}, {":path", "/"}, {":path", "/index.html"},
        {":scheme", "http"}, {":scheme", "https"}, {":status", "200"}, {":status", "204"}, {":status", "206"},
        {":status", "304"}, {":status", "400"}, {":status", "404"}, {":status", "500"}, {"accept-charset", ""},
        {"accept-encoding", "gzip, deflate"}, {"accept-language", ""}, {"accept-ranges", ""}, {"accept", ""},
        {"access-control-allow-origin", ""}, {"age", ""}, {"allow", ""}, {"authorization", ""},
        {"cache-control", ""}, {"content-disposition", ""}, {"content-encoding", ""}, {"content-language", ""},
        {"content-length", ""}, {"content-location", ""}, {"content-range", ""}, {"content-type", ""},
        {"cookie", ""}, {"date", ""}, {"etag", ""}, {"expect", ""}, {"expires", ""}, {"from", ""}, {"host", ""},
        {"if-match", ""}, {"if-modified-since", ""}, {"if-none-match", ""}, {"if-range", ""},
        {"if-unmodified-since", ""}, {"last-modified", ""}, {"link", ""}, {"location", ""}, {"max-forwards", ""},
        {"proxy-authenticate", ""}, {"proxy-authorization", ""}, {"range", ""}, {"referer", ""}, {"refresh", ""},
        {"retry-after", ""}, {"server", ""}, {"set-cookie", ""}, {"strict-transport-security", ""},
        {"transfer-encoding", ""}, {"user-agent", ""}, {"vary", ""}, {"via", ""}, {"www-authenticate", ""},
    };

    /**
     * The bit length of the Huffman code of every symbol 0..256 (RFC 7541 Appendix B). The code is
     * canonical: codes of one length are consecutive in symbol order, each length's first code
     * follows the last code of the length before, so the lengths alone define it.
     */
    private static final String CODE_LENGTHS = "13,23,28,28,28,28,28,28,28,24,30,28,28,30,28,28,28,28,28,28,28,28,30,"
            + "28,28,28,28,28,28,28,28,28,6,10,10,12,13,6,8,11,10,10,8,11,8,6,6,6,5,5,5,6,6,6,6,6,6,6,7,8,15,6,12,10,"
            + "13,6,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,8,7,8,13,19,13,14,6,15,5,6,5,6,5,6,6,6,5,7,7,6,6,6,5,"
            + "6,7,6,5,5,6,7,7,7,7,7,15,11,14,13,28,20,22,20,20,22,22,22,23,22,23,23,23,23,23,24,23,24,24,22,23,24,23,"
            + "23,23,23,21,22,23,22,23,23,24,22,21,20,22,22,23,23,21,23,22,22,24,21,22,23,23,21,21,22,21,23,22,23,23,"
            + "20,22,22,22,23,22,22,23,26,26,20,19,22,23,22,25,26,26,26,27,27,26,24,25,19,21,26,27,27,26,27,24,21,21,"
            + "26,26,28,27,27,27,20,24,20,21,22,21,21,23,22,22,25,25,24,24,26,23,26,27,26,26,27,27,27,27,27,28,27,27,"
            + "27,27,27,26,30";
    private static final int EOS = 256;
    private static final int MAX_CODE_LENGTH = 30;
    /** Symbols ordered by (code length, symbol): the canonical order. */
    private static final int[] CANONICAL_SYMBOLS = new int[257];
    /** The first code of each length, and how many codes of that length come before it in canonical order. */
    private static final long[] FIRST_CODE = new long[MAX_CODE_LENGTH + 1];
    private static final int[] COUNT = new int[MAX_CODE_LENGTH + 1];
    private static final int[] OFFSET = new int[MAX_CODE_LENGTH + 1];

    static {
        int[] lengths = Arrays.stream(CODE_LENGTHS.split(",")).mapToInt(Integer::parseInt).toArray();
        Integer[] order = new Integer[lengths.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> lengths[a] != lengths[b] ? lengths[a] - lengths[b] : a - b);
        long code = 0;
        int previousLength = lengths[order[0]];
        for (int i = 0; i < order.length; i++) {
            int length = lengths[order[i]];
            if (i > 0) {
                code = (code + 1) << (length - previousLength);
            }
            if (COUNT[length] == 0) {
                FIRST_CODE[length] = code;
                OFFSET[length] = i;
            }
            COUNT[length]++;
            CANONICAL_SYMBOLS[i] = order[i];
            previousLength = length;
        }
    }

    private final Deque<Map.Entry<String, String>> dynamicTable = new ArrayDeque<>();
    private final int maxTableSizeLimit;
    private int maxTableSize;
    private int tableSize;

    /** A decoder whose peer may use a dynamic table of up to {@code maxTableSize} octets (4096 by default in HTTP/2). */
    public H2Hpack(int maxTableSize) {
        this.maxTableSizeLimit = maxTableSize;
        this.maxTableSize = maxTableSize;
    }

    /** A decoder with the HTTP/2 default table size, 4096 octets. */
    public H2Hpack() {
        this(4096);
    }

    /**
     * A header block of {@code fields}, each a literal without indexing, name and value as raw
     * (non-Huffman) ISO-8859-1 strings. Names go out exactly as given, upper case included.
     */
    public static byte[] encode(List<Map.Entry<String, String>> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields) {
            out.write(0x00);
            writeString(out, field.getKey());
            writeString(out, field.getValue());
        }
        return out.toByteArray();
    }

    /** Decodes one complete header block into its fields, in order, updating this decoder's dynamic table. */
    public List<Map.Entry<String, String>> decode(byte[] block) throws IOException {
        Reader in = new Reader(block);
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        while (in.hasMore()) {
            int first = in.peek();
            if ((first & 0x80) != 0) {
                fields.add(entry((int) in.integer(7)));
            } else if ((first & 0xC0) == 0x40) {
                Map.Entry<String, String> field = literal(in, 6);
                fields.add(field);
                insert(field);
            } else if ((first & 0xE0) == 0x20) {
                resize(in.integer(5));
            } else {
                fields.add(literal(in, 4));
            }
        }
        return fields;
    }

    /** How many entries the dynamic table holds now. */
    public int dynamicTableEntries() {
        return dynamicTable.size();
    }

    /** The dynamic table's size in octets as RFC 7541 section 4.1 counts it. */
    public int dynamicTableSize() {
        return tableSize;
    }

    /** Decodes a Huffman-coded string (RFC 7541 section 5.2); fails on EOS, bad padding or padding over 7 bits. */
    public static String huffmanDecode(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long code = 0;
        int length = 0;
        boolean allOnes = true;
        for (int i = 0; i < data.length * 8; i++) {
            int bit = (data[i / 8] >> (7 - i % 8)) & 1;
            code = (code << 1) | bit;
            length++;
            allOnes &= bit == 1;
            if (length > MAX_CODE_LENGTH) {
                throw new IOException("huffman code longer than " + MAX_CODE_LENGTH + " bits");
            }
            if (COUNT[length] > 0 && code - FIRST_CODE[length] < COUNT[length] && code >= FIRST_CODE[length]) {
                int symbol = CANONICAL_SYMBOLS[OFFSET[length] + (int) (code - FIRST_CODE[length])];
                if (symbol == EOS) {
                    throw new IOException("huffman string contains EOS");
                }
                out.write(symbol);
                code = 0;
                length = 0;
                allOnes = true;
            }
        }
        if (length > 7 || !allOnes) {
            throw new IOException("huffman padding of " + length + " bits is not a prefix of EOS");
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private Map.Entry<String, String> literal(Reader in, int prefixBits) throws IOException {
        int index = (int) in.integer(prefixBits);
        String name = index == 0 ? in.string() : entry(index).getKey();
        return Map.entry(name, in.string());
    }

    private Map.Entry<String, String> entry(int index) throws IOException {
        if (index >= 1 && index <= STATIC_TABLE.length) {
            return Map.entry(STATIC_TABLE[index - 1][0], STATIC_TABLE[index - 1][1]);
        }
        int dynamic = index - STATIC_TABLE.length - 1;
        if (index < 1 || dynamic >= dynamicTable.size()) {
            throw new IOException("header table index " + index + " out of range (dynamic entries: "
                    + dynamicTable.size() + ")");
        }
        return dynamicTable.stream().skip(dynamic).findFirst().orElseThrow();
    }

    private void insert(Map.Entry<String, String> field) {
        int size = entrySize(field);
        dynamicTable.addFirst(field);
        tableSize += size;
        evict();
    }

    private void resize(long size) throws IOException {
        if (size > maxTableSizeLimit) {
            throw new IOException("table size update to " + size + " above the limit " + maxTableSizeLimit);
        }
        maxTableSize = (int) size;
        evict();
    }

    private void evict() {
        while (tableSize > maxTableSize) {
            tableSize -= entrySize(dynamicTable.removeLast());
        }
    }

    private static int entrySize(Map.Entry<String, String> field) {
        return field.getKey().length() + field.getValue().length() + 32;
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        writeInteger(out, 0x00, 7, bytes.length);
        out.writeBytes(bytes);
    }

    /** RFC 7541 section 5.1: {@code value} with an N-bit prefix, {@code firstBits} in the bits above it. */
    static void writeInteger(ByteArrayOutputStream out, int firstBits, int prefixBits, long value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(firstBits | (int) value);
            return;
        }
        out.write(firstBits | max);
        long rest = value - max;
        while (rest >= 0x80) {
            out.write((int) (rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write((int) rest);
    }

    /** A cursor over one header block. */
    private static final class Reader {

        private final byte[] data;
        private int position;

        Reader(byte[] data) {
            this.data = data;
        }

        boolean hasMore() {
            return position < data.length;
        }

        int peek() {
            return data[position] & 0xFF;
        }

        int next() throws IOException {
            if (position >= data.length) {
                throw new IOException("header block ends mid-representation at octet " + position);
            }
            return data[position++] & 0xFF;
        }

        long integer(int prefixBits) throws IOException {
            int max = (1 << prefixBits) - 1;
            long value = next() & max;
            if (value < max) {
                return value;
            }
            for (int shift = 0; ; shift += 7) {
                if (shift > 28) {
                    throw new IOException("HPACK integer longer than 5 continuation octets at octet " + position);
                }
                int b = next();
                value += (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
        }

        String string() throws IOException {
            boolean huffman = (peek() & 0x80) != 0;
            long length = integer(7);
            if (length > data.length - position) {
                throw new IOException("string of " + length + " octets but " + (data.length - position) + " left");
            }
            byte[] raw = Arrays.copyOfRange(data, position, position + (int) length);
            position += (int) length;
            return huffman ? huffmanDecode(raw) : new String(raw, StandardCharsets.ISO_8859_1);
        }
    }
}
