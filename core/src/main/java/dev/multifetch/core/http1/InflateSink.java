package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Undoes one {@code gzip} or {@code deflate} content coding as bytes arrive, handing the inflated
 * bytes downstream in pieces of at most {@link ContentDecoder#MAX_WRITE_SIZE}. The result is the
 * same however the input is split.
 *
 * <p>The wrapping is chosen from the first two bytes, as curl's zlib set-up ends up doing:
 * {@code deflate} is zlib-wrapped when those bytes are a valid zlib header and raw deflate
 * otherwise (curl: content_encoding.c inflate_stream(), the Z_DATA_ERROR retry); {@code gzip}
 * accepts a gzip member or, like zlib's automatic header detection that curl turns on, a zlib
 * stream. The gzip header and trailer are read here, because {@link Inflater} only knows zlib and
 * raw streams; the trailer's CRC-32 and ISIZE are checked.
 *
 * <p>Bounded: at most {@code limit} bytes are inflated in all, checked before each piece is handed
 * on, so a decompression bomb stops after {@code limit} bytes using one 16 KiB buffer and the
 * inflater's window. The inflater's native memory is released when the stream ends, on the
 * first failure, and by {@link #close()}. Not thread-safe.
 */
final class InflateSink implements BodySink {

    /** Unknown trailing bytes tolerated after a raw deflate stream. curl: inflate_stream(), trailerlen = 4. */
    private static final int RAW_TRAILER_SLACK = 4;
    private static final int GZIP_TRAILER_SIZE = 8;

    /** The coding named in the header. */
    enum Coding { GZIP, DEFLATE }

    private enum Step { PROBE, GZIP_HEADER, INFLATE, GZIP_TRAILER, DONE, FAILED }

    private enum Wrapping { GZIP, ZLIB, RAW }

    private final Coding coding;
    private final BodySink downstream;
    private final long limit;
    private final byte[] probe = new byte[2];
    private final byte[] trailer = new byte[GZIP_TRAILER_SIZE];
    private final CRC32 crc = new CRC32();
    private Step step = Step.PROBE;
    private Wrapping wrapping;
    private GzipHeader gzipHeader;
    private Inflater inflater;
    private byte[] out;
    private int probed;
    private int trailerHave;
    private int slackLeft;
    private long consumed;
    private long produced;

    InflateSink(Coding coding, BodySink downstream, long limit) {
        this.coding = coding;
        this.downstream = downstream;
        this.limit = limit;
    }

    @Override
    public void write(ByteBuffer src, int length) throws HttpException {
        if (step == Step.FAILED) {
            throw new IllegalStateException("step: " + step);
        }
        ByteBuffer in = src.slice();
        in.limit(length);
        src.position(src.position() + length);
        consumed += length;
        try {
            while (in.hasRemaining()) {
                switch (step) {
                    case PROBE -> probe(in);
                    case GZIP_HEADER -> readGzipHeader(in);
                    case INFLATE -> inflate(in);
                    case GZIP_TRAILER -> readTrailer(in);
                    case DONE -> afterEnd(in);
                    default -> throw new IllegalStateException("step: " + step);
                }
            }
        } catch (HttpException | RuntimeException e) {
            step = Step.FAILED;
            close();
            throw e;
        }
    }

    /** Collects the first two bytes, which decide the wrapping, then replays them. */
    private void probe(ByteBuffer in) throws HttpException {
        while (probed < probe.length && in.hasRemaining()) {
            probe[probed++] = in.get();
        }
        if (probed < probe.length) {
            return;
        }
        boolean gzipMagic = (probe[0] & 0xff) == 0x1f && (probe[1] & 0xff) == 0x8b;
        if (coding == Coding.GZIP && gzipMagic) {
            wrapping = Wrapping.GZIP;
            gzipHeader = new GzipHeader();
            step = Step.GZIP_HEADER;
            readGzipHeader(ByteBuffer.wrap(probe));
            return;
        }
        if (isZlibHeader(probe[0], probe[1])) {
            wrapping = Wrapping.ZLIB;
        } else if (coding == Coding.DEFLATE) {
            wrapping = Wrapping.RAW;
        } else {
            throw bad("incorrect header check: gzip data starts with " + Quote.bytes(probe, 0, 2));
        }
        startInflater();
        inflate(ByteBuffer.wrap(probe));
    }

    /**
     * RFC 1950 section 2.2: method 8, window at most 32 KiB, and the check bits. Raw deflate data
     * cannot start this way unless its first block is stored with padding bits set, which no
     * encoder writes, so deciding on these two bytes matches curl's retry without buffering input.
     */
    private static boolean isZlibHeader(byte cmf, byte flg) {
        int c = cmf & 0xff;
        return (c & 0x0f) == 8 && (c >> 4) <= 7 && ((c << 8) | (flg & 0xff)) % 31 == 0;
    }

    private void readGzipHeader(ByteBuffer in) throws HttpException {
        if (gzipHeader.read(in)) {
            gzipHeader = null;
            startInflater();
        }
    }

    private void startInflater() {
        inflater = new Inflater(wrapping != Wrapping.ZLIB);
        out = new byte[ContentDecoder.MAX_WRITE_SIZE];
        step = Step.INFLATE;
    }

    private void inflate(ByteBuffer in) throws HttpException {
        inflater.setInput(in);
        int n;
        do {
            try {
                n = inflater.inflate(out);
            } catch (DataFormatException e) {
                throw bad(e.getMessage() == null ? "Unknown failure within decompression software." : e.getMessage());
            }
            if (n > 0) {
                emit(n);
            }
            if (inflater.finished()) {
                streamEnded();
                return;
            }
            if (inflater.needsDictionary()) {
                throw bad("the zlib stream needs a preset dictionary");
            }
            // fewer bytes than the buffer holds means the input is used up; a full buffer may hide more
        } while (n == out.length);
    }

    private void emit(int n) throws HttpException {
        if (produced + n > limit) {
            throw ContentDecoder.tooLarge(limit);
        }
        produced += n;
        if (wrapping == Wrapping.GZIP) {
            crc.update(out, 0, n);
        }
        downstream.write(ByteBuffer.wrap(out, 0, n), n);
    }

    /** The compressed stream is complete; what follows in the input is a trailer or excess. */
    private void streamEnded() {
        releaseInflater();
        if (wrapping == Wrapping.GZIP) {
            step = Step.GZIP_TRAILER;
        } else {
            slackLeft = wrapping == Wrapping.RAW ? RAW_TRAILER_SLACK : 0;
            step = Step.DONE;
        }
    }

    private void readTrailer(ByteBuffer in) throws HttpException {
        int n = Math.min(GZIP_TRAILER_SIZE - trailerHave, in.remaining());
        in.get(trailer, trailerHave, n);
        trailerHave += n;
        if (trailerHave < GZIP_TRAILER_SIZE) {
            return;
        }
        ByteBuffer le = ByteBuffer.wrap(trailer).order(ByteOrder.LITTLE_ENDIAN);
        long expectedCrc = le.getInt(0) & 0xffffffffL;
        long expectedSize = le.getInt(4) & 0xffffffffL;
        if (expectedCrc != crc.getValue()) {
            throw bad("incorrect data check (gzip CRC-32 " + Long.toHexString(expectedCrc)
                    + ", computed " + Long.toHexString(crc.getValue()) + ")");
        }
        if (expectedSize != (produced & 0xffffffffL)) {
            throw bad("incorrect length check (gzip ISIZE " + expectedSize + ", inflated " + produced + " bytes)");
        }
        step = Step.DONE;
    }

    /**
     * Bytes after the end of the stream fail the transfer with {@link FetchError#WRITE_ERROR}, as
     * in curl (content_encoding.c process_trailer()); a second gzip member gets curl's own words.
     */
    private void afterEnd(ByteBuffer in) throws HttpException {
        int tolerated = Math.min(slackLeft, in.remaining());
        in.position(in.position() + tolerated);
        slackLeft -= tolerated;
        if (!in.hasRemaining()) {
            return;
        }
        int first = in.get(in.position()) & 0xff;
        String why = wrapping == Wrapping.GZIP && first == 0x1f ? "Multi-member gzip response not supported"
                : "data after the end of the " + name() + " stream";
        throw new HttpException(FetchError.WRITE_ERROR, why);
    }

    /** Checks the stream was whole: an empty body passes, as in curl; a cut-off stream does not. */
    @Override
    public void end() throws HttpException {
        if (step == Step.FAILED) {
            throw new IllegalStateException("step: " + step);
        }
        try {
            if (step != Step.DONE && consumed > 0) {
                throw bad(name() + " stream truncated: it ended after " + consumed + " bytes of input, "
                        + (step == Step.GZIP_TRAILER ? "inside the gzip trailer" : "before its end"));
            }
        } finally {
            close();
        }
        downstream.end();
    }

    /** Releases the inflater's native memory; idempotent, and safe in any step. */
    void close() {
        releaseInflater();
        gzipHeader = null;
    }

    private void releaseInflater() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
            out = null;
        }
    }

    private String name() {
        return coding == Coding.GZIP ? "gzip" : "deflate";
    }

    private static HttpException bad(String why) {
        return new HttpException(FetchError.BAD_CONTENT_ENCODING, "Error while processing content unencoding: " + why);
    }
}
