package dev.multifetch.core.http1;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Builds compressed bodies for the content-decoding tests: zlib, raw deflate and gzip members with
 * any header fields, and huge streams made by repeating one self-contained deflate block, so a
 * gigabyte of output costs a few hundred kilobytes and milliseconds to make.
 */
final class Compression {

    static final int FTEXT = 0x01;
    static final int FHCRC = 0x02;
    static final int FEXTRA = 0x04;
    static final int FNAME = 0x08;
    static final int FCOMMENT = 0x10;

    /** A final, empty fixed-Huffman block: ends a raw deflate stream. */
    private static final byte[] FINAL_EMPTY_BLOCK = {0x03, 0x00};

    private Compression() {
    }

    static byte[] zlib(byte[] data) {
        return deflate(data, false);
    }

    static byte[] rawDeflate(byte[] data) {
        return deflate(data, true);
    }

    private static byte[] deflate(byte[] data, boolean raw) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        try {
            deflater.setInput(data);
            deflater.finish();
            return drain(deflater, Deflater.NO_FLUSH);
        } finally {
            deflater.end();
        }
    }

    static byte[] gzip(byte[] data) {
        return gzip(data, 0);
    }

    /** A gzip member whose header carries the optional fields {@code flags} asks for. */
    static byte[] gzip(byte[] data, int flags) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return member(header(flags), rawDeflate(data), crc.getValue(), data.length);
    }

    static byte[] header(int flags) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 1, 2, 3, 4, 0, 3});
        if ((flags & FEXTRA) != 0) {
            byte[] extra = "AB\u0003\u0000xyz".getBytes(StandardCharsets.ISO_8859_1);
            h.write(extra.length);
            h.write(0);
            h.writeBytes(extra);
        }
        if ((flags & FNAME) != 0) {
            h.writeBytes("file-name.txt\0".getBytes(StandardCharsets.ISO_8859_1));
        }
        if ((flags & FCOMMENT) != 0) {
            h.writeBytes("a comment\0".getBytes(StandardCharsets.ISO_8859_1));
        }
        if ((flags & FHCRC) != 0) {
            CRC32 crc = new CRC32();
            crc.update(h.toByteArray());
            h.write((int) crc.getValue() & 0xff);
            h.write((int) (crc.getValue() >> 8) & 0xff);
        }
        return h.toByteArray();
    }

    static byte[] member(byte[] header, byte[] deflated, long crc, long size) {
        ByteBuffer b = ByteBuffer.allocate(header.length + deflated.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(header).put(deflated).putInt((int) crc).putInt((int) size);
        return b.array();
    }

    /**
     * A raw deflate stream that inflates to {@code unit} repeated {@code times} times: one block,
     * flushed so it needs no earlier window, written again and again. Unended when {@code open}.
     */
    static byte[] repeatedRawDeflate(byte[] unit, long times, boolean open) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] block;
        try {
            deflater.setInput(unit);
            block = drain(deflater, Deflater.FULL_FLUSH);
        } finally {
            deflater.end();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long i = 0; i < times; i++) {
            out.writeBytes(block);
        }
        if (!open) {
            out.writeBytes(FINAL_EMPTY_BLOCK);
        }
        return out.toByteArray();
    }

    /** A gzip member of {@code unit} repeated {@code times} times, trailer and all. */
    static byte[] repeatedGzip(byte[] unit, long times) {
        CRC32 crc = new CRC32();
        for (long i = 0; i < times; i++) {
            crc.update(unit);
        }
        return member(header(0), repeatedRawDeflate(unit, times, false), crc.getValue(), unit.length * times);
    }

    /** A raw deflate stream of {@code count} empty stored blocks: long, and inflates to nothing. */
    static byte[] emptyStoredBlocks(int count) {
        byte[] blocks = new byte[count * 5];
        for (int i = 0; i < count; i++) {
            blocks[i * 5 + 3] = (byte) 0xff;
            blocks[i * 5 + 4] = (byte) 0xff;
        }
        return blocks;
    }

    private static byte[] drain(Deflater deflater, int flush) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            int n = deflater.deflate(buf, 0, buf.length, flush);
            out.write(buf, 0, n);
            boolean done = flush == Deflater.NO_FLUSH ? deflater.finished() : n < buf.length && deflater.needsInput();
            if (done) {
                return out.toByteArray();
            }
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
