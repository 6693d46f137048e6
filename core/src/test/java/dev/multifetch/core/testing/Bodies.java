package dev.multifetch.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Bodies for engine tests: seeded random bytes, readable text that compresses, and the same
 * encoded with the content codings a server may use (gzip, zlib-wrapped deflate, raw deflate),
 * including a decompression bomb of zeros built without holding the zeros in memory.
 */
public final class Bodies {

    private static final int BOMB_PIECE = 1 << 20;

    private Bodies() {
    }

    /** {@code n} random bytes, the same for the same {@code n}. */
    public static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    /** About {@code n} bytes of numbered lines of text (compresses well, yet no two lines alike). */
    public static byte[] text(int n) {
        StringBuilder text = new StringBuilder(n + 64);
        for (int line = 0; text.length() < n; line++) {
            text.append("line ").append(line).append(": the quick brown fox jumps over the lazy dog\n");
        }
        return text.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code data} as one gzip member (RFC 1952). */
    public static byte[] gzip(byte[] data) {
        return encode(data, GzipStream::new);
    }

    /** {@code data} as a zlib stream (RFC 1950): what {@code Content-Encoding: deflate} means. */
    public static byte[] zlib(byte[] data) {
        return encode(data, DeflaterOutputStream::new);
    }

    /** {@code data} as a raw deflate stream (RFC 1951), as some servers send for {@code deflate}. */
    public static byte[] rawDeflate(byte[] data) {
        return encode(data, out -> new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, true)));
    }

    /** {@code n} zero bytes, gzipped, written a mebibyte at a time: a small body that inflates to a huge one. */
    public static byte[] gzippedZeros(long n) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] zeros = new byte[BOMB_PIECE];
        try (OutputStream gzip = new GzipStream(compressed)) {
            for (long left = n; left > 0; left -= BOMB_PIECE) {
                gzip.write(zeros, 0, (int) Math.min(left, BOMB_PIECE));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return compressed.toByteArray();
    }

    private static byte[] encode(byte[] data, Encoder encoder) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream encoding = encoder.wrap(out)) {
            encoding.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface Encoder {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    /** GZIPOutputStream at the best compression, so bombs come out small. */
    private static final class GzipStream extends GZIPOutputStream {
        GzipStream(OutputStream out) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(Deflater.BEST_COMPRESSION);
        }
    }
}
