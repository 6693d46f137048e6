package dev.multifetch.core.http2;

import java.nio.ByteBuffer;

/**
 * The last strings a decoder read, by their encoded bytes. Servers that send the same literal on
 * every response without indexing it (nginx does: server, content-type, etag and the like, all
 * Huffman-coded) cost one decoding and one String per distinct value instead of one per response.
 * Short strings only, 64 slots, direct-mapped: bounded and allocation-free on a hit. Confined to
 * its decoder's thread.
 */
final class StringCache {

    /** The longest encoded string kept. */
    static final int MAX_ENCODED = 64;
    private static final int SLOTS = 64;

    private final byte[][] encoded = new byte[SLOTS][];
    private final boolean[] huffman = new boolean[SLOTS];
    private final String[] decoded = new String[SLOTS];

    /** The string whose encoding is the {@code length} bytes at {@code block}'s position, or null. */
    String get(ByteBuffer block, int length, boolean isHuffman) {
        int slot = slot(block, block.position(), length, isHuffman);
        byte[] known = encoded[slot];
        if (known == null || known.length != length || huffman[slot] != isHuffman) {
            return null;
        }
        int at = block.position();
        for (int i = 0; i < length; i++) {
            if (block.get(at + i) != known[i]) {
                return null;
            }
        }
        return decoded[slot];
    }

    /** Keeps {@code value} as the decoding of the {@code length} bytes at index {@code at} of {@code block}. */
    void put(ByteBuffer block, int at, int length, boolean isHuffman, String value) {
        int slot = slot(block, at, length, isHuffman);
        byte[] copy = new byte[length];
        block.get(at, copy, 0, length);
        encoded[slot] = copy;
        huffman[slot] = isHuffman;
        decoded[slot] = value;
    }

    private static int slot(ByteBuffer block, int at, int length, boolean isHuffman) {
        int h = isHuffman ? 1 : 0;
        for (int i = 0; i < length; i++) {
            h = 31 * h + block.get(at + i);
        }
        h ^= h >>> 16;
        return h & (SLOTS - 1);
    }
}
