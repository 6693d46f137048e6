package dev.multifetch.core.http2;

import java.nio.ByteBuffer;

/**
 * The static Huffman code of HPACK (RFC 7541 section 5.2 and Appendix B): encodes ISO-8859-1
 * text and decodes it, rejecting what the RFC calls a decoding error. Stateless and immutable,
 * so safe on any thread.
 *
 * <p>The code of Appendix B is canonical: codes of one length are consecutive in symbol order,
 * and each length continues where the shorter one ended. So the bit lengths below are all the
 * data; the codes are derived from them. Decoding is table-driven, four bits at a time, through
 * a state machine whose states are the 256 inner nodes of the code tree. Codes are at least five
 * bits long, so one nibble completes at most one symbol.
 */
final class Huffman {

    /** The symbol that may only appear, as a prefix, in the padding of the last byte. */
    static final int EOS = 256;

    /** Bit length of the code of each symbol 0..255 and of {@link #EOS}, from RFC 7541 Appendix B. */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0x00
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 0x10
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //         ' ' .. '/'
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, //              '0' .. '?'
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, //                '@' .. 'O'
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, //             'P' .. '_'
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, //                '`' .. 'o'
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, //            'p' .. 0x7f
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 0x80
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 0x90
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 0xa0
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 0xb0
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 0xc0
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 0xd0
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 0xe0
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 0xf0
        30 //                                                              EOS
    };

    /** Code of each symbol, right-aligned: its low {@code LENGTHS[symbol]} bits. */
    private static final int[] CODES = canonicalCodes();

    /*
     * One int per (state, nibble): the next state in the low 8 bits, the symbol completed (if
     * EMITS) in the next 8, then the flags. A state is ACCEPTING when the bits read since the last
     * symbol are at most seven 1s, the only padding allowed at the end of a string.
     */
    private static final int EMITS = 1 << 16;
    private static final int ACCEPTING = 1 << 17;
    private static final int FAILS = 1 << 18;
    private static final int[] TRANSITIONS = transitions();

    private Huffman() {
    }

    /**
     * The length in bytes of the Huffman encoding of {@code s}.
     *
     * @throws IllegalArgumentException if a char of {@code s} is above 0xff, so not one byte
     */
    static int encodedLength(String s) {
        long bits = 0;
        int all = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            all |= c;
            bits += LENGTHS[c & 0xff];
        }
        if (all > 0xff) {
            throw new IllegalArgumentException("not ISO-8859-1, a char is above 0xff: " + s);
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Appends the Huffman encoding of {@code s}, padded with the most significant bits of EOS. */
    static void encode(String s, ByteOutput out) {
        long pending = 0;
        int bits = 0;
        for (int i = 0; i < s.length(); i++) {
            int symbol = s.charAt(i) & 0xff;
            pending = (pending << LENGTHS[symbol]) | CODES[symbol];
            bits += LENGTHS[symbol];
            while (bits >= 8) {
                bits -= 8;
                out.write((int) (pending >>> bits));
            }
        }
        if (bits > 0) {
            out.write((int) (pending << (8 - bits)) | (0xff >>> bits));
        }
    }

    /**
     * The most bytes that {@code encodedLength} bytes of Huffman code can decode to: every code
     * is at least five bits long.
     */
    static int maxDecodedLength(int encodedLength) {
        return (int) ((encodedLength * 8L) / 5);
    }

    /**
     * Decodes the next {@code length} bytes of {@code src} into {@code dst} from index 0, which
     * must hold {@link #maxDecodedLength}; returns the count of bytes decoded.
     *
     * @throws Http2Exception COMPRESSION_ERROR for an EOS symbol in the string, or padding that
     *     is longer than seven bits or not all 1s
     */
    static int decode(ByteBuffer src, int length, byte[] dst) throws Http2Exception {
        int state = 0;
        int transition = ACCEPTING;
        int count = 0;
        for (int i = 0; i < length; i++) {
            int b = src.get() & 0xff;
            for (int shift = 4; shift >= 0; shift -= 4) {
                transition = TRANSITIONS[(state << 4) | ((b >>> shift) & 0xf)];
                if ((transition & FAILS) != 0) {
                    throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR,
                            "HPACK Huffman string has an EOS symbol at byte " + i + " of " + length);
                }
                if ((transition & EMITS) != 0) {
                    dst[count++] = (byte) (transition >>> 8);
                }
                state = transition & 0xff;
            }
        }
        if ((transition & ACCEPTING) == 0) {
            throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR,
                    "HPACK Huffman string of " + length + " bytes ends in padding that is longer than 7 bits or not all 1s");
        }
        return count;
    }

    private static int[] canonicalCodes() {
        int[] codes = new int[LENGTHS.length];
        int next = 0;
        for (int length = 1; length <= 30; length++) {
            for (int symbol = 0; symbol < LENGTHS.length; symbol++) {
                if (LENGTHS[symbol] == length) {
                    codes[symbol] = next++;
                }
            }
            next <<= 1;
        }
        return codes;
    }

    /** Builds the code tree, then walks each nibble from each inner node. */
    private static int[] transitions() {
        CodeTree tree = new CodeTree();
        for (int symbol = 0; symbol < LENGTHS.length; symbol++) {
            tree.add(symbol, CODES[symbol], LENGTHS[symbol]);
        }
        int[] table = new int[CodeTree.INNER_NODES * 16];
        for (int state = 0; state < CodeTree.INNER_NODES; state++) {
            for (int nibble = 0; nibble < 16; nibble++) {
                table[(state << 4) | nibble] = tree.walk(state, nibble);
            }
        }
        return table;
    }

    /**
     * The code as a binary tree, only while the transition table is built. A child is the index
     * of an inner node (0 is the root, never a child, so 0 also means "not yet added"), or the
     * complement of a symbol for a leaf.
     */
    private static final class CodeTree {

        /** A full binary tree with 257 leaves has 256 inner nodes. */
        static final int INNER_NODES = 256;

        private final int[][] children = new int[2][INNER_NODES];
        private final boolean[] paddingPrefix = new boolean[INNER_NODES];
        private int nodes = 1;

        CodeTree() {
            int node = 0;
            paddingPrefix[0] = true;
            for (int depth = 1; depth <= 7; depth++) {
                node = child(node, 1);
                paddingPrefix[node] = true;
            }
        }

        void add(int symbol, int code, int length) {
            int node = 0;
            for (int bit = length - 1; bit > 0; bit--) {
                node = child(node, (code >>> bit) & 1);
            }
            children[code & 1][node] = ~symbol;
        }

        /** The inner node under {@code node} on {@code bit}, created if new. */
        private int child(int node, int bit) {
            if (children[bit][node] == 0) {
                children[bit][node] = nodes++;
            }
            return children[bit][node];
        }

        int walk(int state, int nibble) {
            int node = state;
            int emitted = 0;
            for (int bit = 3; bit >= 0; bit--) {
                int next = children[(nibble >>> bit) & 1][node];
                if (next >= 0) {
                    node = next;
                } else if (~next == EOS) {
                    return FAILS;
                } else {
                    emitted = EMITS | (~next << 8);
                    node = 0;
                }
            }
            return node | emitted | (paddingPrefix[node] ? ACCEPTING : 0);
        }
    }
}
