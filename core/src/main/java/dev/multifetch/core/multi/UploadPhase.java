package dev.multifetch.core.multi;

import dev.multifetch.core.RequestBody;
import dev.multifetch.core.PollAction;
import dev.multifetch.core.connection.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Sends a request body that is not already in the request's first buffer: a file or stream
 * read one chunk at a time on the worker threads (never on the selector thread), framed with
 * chunked coding when its length is unknown, or an in-memory body held back for
 * {@code Expect: 100-continue}. Driving thread only.
 */
final class UploadPhase {

    static final int CHUNK = 64 * 1024;
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** The per-transfer state of one body being sent. */
    static final class Upload {
        final RequestBody body;
        final boolean chunked;
        InputStream stream;
        ByteBuffer pending;
        byte[] nextChunk;
        boolean readInFlight;
        boolean sourceDone;
        boolean lastChunkQueued;
        long payloadSent;
        Exception failure;

        Upload(RequestBody body) {
            this.body = body;
            this.chunked = body.length() < 0;
        }

        /** Whether every byte, framing included, was handed to the transport. */
        boolean complete() {
            boolean whole = chunked ? lastChunkQueued : body.bytes() != null || payloadSent == body.length();
            return (pending == null || !pending.hasRemaining()) && sourceDone && whole;
        }
    }

    /** The body's source failed or did not match its declared length: READ_ERROR, not a socket failure. */
    static final class BodySourceException extends IOException {

        private static final long serialVersionUID = 1L;

        BodySourceException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final MultiHandle multi;

    UploadPhase(MultiHandle multi) {
        this.multi = multi;
    }

    /**
     * Pushes as much of the body as the socket takes now. Returns true once all of it is
     * written; false when waiting for the socket (interest OUT asked) or for the next chunk.
     *
     * @throws IOException a socket failure, or a body source that failed or lied about its length
     */
    boolean pump(Run t, Upload up, boolean alsoReading) throws IOException {
        Transport transport = t.conn.transport();
        while (true) {
            checkSource(up);
            if (up.pending != null && up.pending.hasRemaining()) {
                int n = transport.write(up.pending);
                t.bytesSent += n;
                t.speedWindowBytes += n;
                if (up.pending.hasRemaining()) {
                    multi.want(t.conn.channel(), t, alsoReading ? PollAction.INOUT : PollAction.OUT);
                    return false;
                }
            }
            if (!transport.flush()) {
                multi.want(t.conn.channel(), t, alsoReading ? PollAction.INOUT : PollAction.OUT);
                return false;
            }
            if (up.sourceDone && up.body.bytes() == null) {
                checkEndedWhole(up);
            }
            if (up.complete()) {
                return true;
            }
            if (!nextPiece(t, up)) {
                multi.want(t.conn.channel(), t, alsoReading ? PollAction.IN : PollAction.NONE);
                return false;
            }
        }
    }

    /** Queues the next piece to write; false when a chunk is still being read. */
    private boolean nextPiece(Run t, Upload up) throws IOException {
        if (up.body.bytes() != null) {
            up.pending = ByteBuffer.wrap(up.body.bytes());
            up.sourceDone = true;
            return true;
        }
        if (up.nextChunk != null) {
            byte[] chunk = up.nextChunk;
            up.nextChunk = null;
            checkNotLonger(up, up.payloadSent + chunk.length);
            up.payloadSent += chunk.length;
            up.pending = up.chunked ? frame(chunk) : ByteBuffer.wrap(chunk);
            return true;
        }
        if (up.sourceDone) {
            // only a chunked body gets here: pump() checked a declared length before
            up.pending = ByteBuffer.wrap(LAST_CHUNK);
            up.lastChunkQueued = true;
            return true;
        }
        if (!up.readInFlight) {
            readNext(t, up);
        }
        return false;
    }

    /**
     * For HTTP/2, which frames the body itself: the next piece of a streamed body, unframed;
     * null while a read is in flight (the transfer is run again when it lands); an empty buffer
     * once the body ended.
     *
     * @throws IOException a body source that failed or did not match its declared length
     */
    ByteBuffer nextRaw(Run t, Upload up) throws IOException {
        checkSource(up);
        if (up.pending != null && up.pending.hasRemaining()) {
            return up.pending;
        }
        if (up.nextChunk != null) {
            byte[] chunk = up.nextChunk;
            up.nextChunk = null;
            checkNotLonger(up, up.payloadSent + chunk.length);
            up.pending = ByteBuffer.wrap(chunk);
            return up.pending;
        }
        if (up.sourceDone) {
            checkEndedWhole(up);
            return ByteBuffer.allocate(0);
        }
        if (!up.readInFlight) {
            readNext(t, up);
        }
        return null;
    }

    private static void checkSource(Upload up) throws BodySourceException {
        if (up.failure != null) {
            throw new BodySourceException("the request body could not be read: " + up.failure.getMessage(), up.failure);
        }
    }

    /** A body of declared length must not go past it. */
    private static void checkNotLonger(Upload up, long sent) throws BodySourceException {
        if (!up.chunked && sent > up.body.length()) {
            throw new BodySourceException("the request body is longer than its declared " + up.body.length() + " bytes", null);
        }
    }

    /** A body of declared length that ended must have reached it. */
    private static void checkEndedWhole(Upload up) throws BodySourceException {
        if (!up.chunked && up.payloadSent != up.body.length()) {
            throw new BodySourceException("the request body ended after " + up.payloadSent + " of its declared "
                    + up.body.length() + " bytes", null);
        }
    }

    /** Reads one chunk on a worker thread; the reply wakes the transfer on the driving thread. */
    private void readNext(Run t, Upload up) {
        up.readInFlight = true;
        multi.offload(() -> {
            if (up.stream == null) {
                up.stream = up.body.open();
            }
            byte[] buf = up.stream.readNBytes(CHUNK);
            return buf;
        }, (chunk, error) -> {
            up.readInFlight = false;
            if (error != null) {
                up.failure = error;
            } else if (chunk.length == 0) {
                up.sourceDone = true;
            } else {
                up.nextChunk = chunk;
            }
            if (t.upload == up) {
                multi.runAgain(t);
            } else {
                close(up);
            }
        });
    }

    private static ByteBuffer frame(byte[] chunk) {
        byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buf = ByteBuffer.allocate(size.length + chunk.length + 2);
        return buf.put(size).put(chunk).put((byte) '\r').put((byte) '\n').flip();
    }

    /** Closes the body's stream, if one was opened and no read is in flight (else the read's reply closes it). */
    static void close(Upload up) {
        if (up != null && up.stream != null && !up.readInFlight) {
            try {
                up.stream.close();
            } catch (IOException ignored) {
                // the body was read or abandoned; nothing more to get from it
            }
            up.stream = null;
        }
    }
}
