package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Reads a gzip member header (RFC 1952 section 2.3) from bytes that arrive in pieces, however they
 * are split: the fixed ten bytes, then the optional FEXTRA, FNAME, FCOMMENT and FHCRC fields the
 * flags announce. Nothing is buffered beyond the fixed part, so a long name or extra field costs
 * no memory. Errors use zlib's words, as curl reports them.
 */
final class GzipHeader {

    private static final int FIXED_SIZE = 10;
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int RESERVED_FLAGS = 0xe0;

    private enum Field { FIXED, XLEN, EXTRA, NAME, COMMENT, HCRC, DONE }

    private final CRC32 crc = new CRC32();
    private final byte[] fixed = new byte[FIXED_SIZE];
    private Field field = Field.FIXED;
    private int flags;
    /** Bytes of the current numeric field (FIXED, XLEN, HCRC) read so far. */
    private int have;
    /** The little-endian value being assembled: XLEN, then the header CRC. */
    private int value;
    private int extraLeft;

    /** Consumes header bytes from {@code in}; returns true once the whole header is read. */
    boolean read(ByteBuffer in) throws HttpException {
        while (field != Field.DONE && in.hasRemaining()) {
            switch (field) {
                case FIXED -> readFixed(in);
                case XLEN -> readXlen(in);
                case EXTRA -> skipExtra(in);
                case NAME, COMMENT -> skipZeroTerminated(in);
                case HCRC -> readHeaderCrc(in);
                default -> throw new IllegalStateException("field: " + field);
            }
        }
        return field == Field.DONE;
    }

    private void readFixed(ByteBuffer in) throws HttpException {
        int n = Math.min(FIXED_SIZE - have, in.remaining());
        in.get(fixed, have, n);
        crc.update(fixed, have, n);
        have += n;
        if (have < FIXED_SIZE) {
            return;
        }
        if ((fixed[0] & 0xff) != 0x1f || (fixed[1] & 0xff) != 0x8b) {
            throw bad("incorrect header check: " + Quote.bytes(fixed, 0, 2));
        }
        if (fixed[2] != 8) {
            throw bad("unknown compression method " + (fixed[2] & 0xff));
        }
        flags = fixed[3] & 0xff;
        if ((flags & RESERVED_FLAGS) != 0) {
            throw bad("unknown header flags set: " + String.format("0x%02x", flags));
        }
        next(Field.XLEN);
    }

    private void readXlen(ByteBuffer in) {
        if (!readLittleEndian(in, 2, true)) {
            return;
        }
        extraLeft = value;
        next(Field.EXTRA);
    }

    private void skipExtra(ByteBuffer in) {
        int n = Math.min(extraLeft, in.remaining());
        ByteBuffer part = in.slice();
        part.limit(n);
        crc.update(part);
        in.position(in.position() + n);
        extraLeft -= n;
        if (extraLeft == 0) {
            next(Field.NAME);
        }
    }

    private void skipZeroTerminated(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            crc.update(b);
            if (b == 0) {
                next(field == Field.NAME ? Field.COMMENT : Field.HCRC);
                return;
            }
        }
    }

    private void readHeaderCrc(ByteBuffer in) throws HttpException {
        int expected = (int) (crc.getValue() & 0xffff);
        if (!readLittleEndian(in, 2, false)) {
            return;
        }
        if (value != expected) {
            throw bad("header crc mismatch");
        }
        field = Field.DONE;
    }

    /** Assembles a little-endian number of {@code size} bytes; true once it is complete. */
    private boolean readLittleEndian(ByteBuffer in, int size, boolean checksummed) {
        while (have < size && in.hasRemaining()) {
            byte b = in.get();
            if (checksummed) {
                crc.update(b);
            }
            value |= (b & 0xff) << (8 * have);
            have++;
        }
        return have == size;
    }

    /** Moves on to {@code candidate}, or past it to the first later field the flags announce. */
    private void next(Field candidate) {
        have = 0;
        value = 0;
        Field f = candidate;
        while (f != Field.DONE && !present(f)) {
            f = Field.values()[f.ordinal() + 1];
        }
        field = f;
    }

    private boolean present(Field f) {
        return switch (f) {
            case XLEN, EXTRA -> (flags & FEXTRA) != 0 && (f == Field.XLEN || extraLeft > 0);
            case NAME -> (flags & FNAME) != 0;
            case COMMENT -> (flags & FCOMMENT) != 0;
            case HCRC -> (flags & FHCRC) != 0;
            default -> true;
        };
    }

    private static HttpException bad(String why) {
        return new HttpException(FetchError.BAD_CONTENT_ENCODING, "Error while processing content unencoding: " + why);
    }
}
