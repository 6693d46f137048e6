package dev.multifetch.core.http2;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A frame handler that writes each call down as a line of text (payloads quoted), so whole
 * sequences of callbacks compare with {@code equals}. It can pause the reader after every
 * {@code n}th call, and keeps the payload buffers it was handed (not their content), to check for copies.
 */
final class RecordingHandler implements FrameHandler {

    private final List<String> events = new ArrayList<>();
    private final int pauseEvery;
    private final List<ByteBuffer> payloads = new ArrayList<>();

    /** A handler that never pauses. */
    RecordingHandler() {
        this(0);
    }

    /** A handler that returns false from every {@code pauseEvery}th call (never when 0). */
    RecordingHandler(int pauseEvery) {
        this.pauseEvery = pauseEvery;
    }

    List<String> events() {
        return events;
    }

    /** The buffers handed with DATA, header blocks and GOAWAY debug data, in order. */
    List<ByteBuffer> payloads() {
        return payloads;
    }

    /** Writes down a line that is not a frame, such as a stream error the reader went on after. */
    void note(String line) {
        events.add(line);
    }

    @Override
    public boolean data(int streamId, boolean endStream, ByteBuffer payload, int flowControlled) {
        return record("DATA " + streamId + end(endStream) + " " + quote(payload) + " flow " + flowControlled, payload);
    }

    @Override
    public boolean headers(int streamId, boolean endStream, ByteBuffer block) {
        return record("HEADERS " + streamId + end(endStream) + " " + quote(block), block);
    }

    @Override
    public boolean pushPromise(int streamId, int promisedStreamId, ByteBuffer block) {
        return record("PUSH_PROMISE " + streamId + " promised " + promisedStreamId + " " + quote(block), block);
    }

    @Override
    public boolean priority(int streamId) {
        return record("PRIORITY " + streamId, null);
    }

    @Override
    public boolean rstStream(int streamId, long errorCode) {
        return record("RST_STREAM " + streamId + " " + ErrorCode.describe(errorCode), null);
    }

    @Override
    public boolean settings(boolean ack, List<Setting> settings) {
        return record(ack ? "SETTINGS ACK" : "SETTINGS " + settings, null);
    }

    @Override
    public boolean ping(boolean ack, long opaqueData) {
        return record("PING" + (ack ? " ACK " : " ") + Long.toHexString(opaqueData), null);
    }

    @Override
    public boolean goAway(int lastStreamId, long errorCode, ByteBuffer debugData) {
        return record("GOAWAY " + lastStreamId + " " + ErrorCode.describe(errorCode) + " " + quote(debugData),
                debugData);
    }

    @Override
    public boolean windowUpdate(int streamId, int increment) {
        return record("WINDOW_UPDATE " + streamId + " " + increment, null);
    }

    @Override
    public boolean unknown(int type, int streamId, int length) {
        return record("UNKNOWN 0x" + Integer.toHexString(type) + " " + streamId + " length " + length, null);
    }

    private boolean record(String event, ByteBuffer payload) {
        events.add(event);
        if (payload != null) {
            payloads.add(payload);
        }
        return pauseEvery == 0 || events.size() % pauseEvery != 0;
    }

    private static String end(boolean endStream) {
        return endStream ? " END_STREAM" : "";
    }

    /** The buffer's remaining bytes, printable ASCII as is and the rest escaped; the buffer is not consumed. */
    private static String quote(ByteBuffer buf) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = buf.position(); i < buf.limit(); i++) {
            int c = buf.get(i) & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        return sb.append('"').toString();
    }
}
