package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Keeps a body in memory, refusing more than its limit with {@link FetchError#FILESIZE_EXCEEDED}. */
public final class BodyCollector implements BodySink {

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final long limit;
    private byte[] buf = new byte[0];
    private int size;

    /** A collector keeping at most {@code limit} bytes. */
    public BodyCollector(long limit) {
        this.limit = limit;
    }

    /** Fails at once when an announced length already passes the limit (curl test 393). */
    public void checkAnnounced(long length) throws HttpException {
        if (length > limit) {
            throw new HttpException(FetchError.FILESIZE_EXCEEDED,
                    "Content-Length " + length + " exceeds the maximum body size of " + limit + " bytes");
        }
        expect(length);
    }

    /** Sizes the buffer for an announced length up front (at most 1 MiB: a length is only a claim). */
    public void expect(long length) {
        if (length > 0 && buf.length == 0) {
            buf = new byte[(int) Math.min(length, 1 << 20)];
        }
    }

    @Override
    public void write(ByteBuffer src, int length) throws HttpException {
        if ((long) size + length > Math.min(limit, MAX_ARRAY)) {
            throw new HttpException(FetchError.FILESIZE_EXCEEDED,
                    "body exceeds the maximum body size of " + limit + " bytes");
        }
        if (size + length > buf.length) {
            long wanted = Math.max((long) size + length, Math.max(1024L, buf.length * 2L));
            buf = Arrays.copyOf(buf, (int) Math.min(wanted, MAX_ARRAY));
        }
        src.get(buf, size, length);
        size += length;
    }

    /** Bytes kept. */
    public long size() {
        return size;
    }

    /** The bytes kept. */
    public byte[] toByteArray() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }
}
