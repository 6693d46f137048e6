package dev.multifetch.core.http2;

import dev.multifetch.core.connection.Transport;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client side of one HTTP/2 connection (RFC 9113) over a non-blocking {@link Transport}: the
 * preface and SETTINGS exchange, HPACK both ways, streams and their windows, PING, GOAWAY and
 * RST_STREAM, and the limits that keep a hostile server from taking more than its share. Frames
 * read are handed to each stream's {@link StreamHandler} at once; frames to send are appended
 * to one outbound buffer that {@link #flush()} writes when the socket takes it. It never blocks.
 * Confined to the driving thread of its multi handle.
 *
 * <p>Flow control: the connection's receive window is large and credited as soon as bytes
 * arrive, so no stream can hold it; each stream's window is credited only as its consumer takes
 * the bytes, so a paused consumer stops its own stream and nothing else.
 *
 * <p>libcurl: {@code lib/http2.c} ({@code cf_h2_ctx}); nghttp2's session.
 */
public final class Http2Connection implements FrameHandler {

    /** Highest stream id; a connection past it takes no new stream (RFC 9113 section 5.1.1). */
    public static final int MAX_STREAM_ID = Integer.MAX_VALUE;
    private static final int DEFAULT_WINDOW = 65_535;
    private static final int READS_PER_TURN = 8;

    /** The limits one connection enforces; every one is named in the error it raises. */
    public record Limits(int maxConcurrentStreams, int streamWindow, int connectionWindow, int maxHeaderListBytes,
                         int maxFields, int maxContinuations, int maxInterim, int maxQueuedControlReplies,
                         int maxUselessFrames) {

        /** The defaults: 100 streams, 1 MiB stream and 1 GiB connection windows, 8 CONTINUATIONs, 1,000 useless frames. */
        public static Limits defaults(int maxConcurrentStreams, int maxHeaderListBytes) {
            return new Limits(maxConcurrentStreams, 1 << 20, 1 << 30, maxHeaderListBytes, 1000, 8, 8, 1000, 1000);
        }
    }

    /** What the owner of the connection (the multi handle) hears about it as a whole. */
    public interface Events {
        /** More or fewer new streams may be opened (SETTINGS, a stream ended, GOAWAY, failure). */
        void capacityChanged(Http2Connection connection);

        /** The server sent GOAWAY. */
        void goaway(Http2Connection connection, long errorCode, int lastStreamId, String debug);
    }

    private final Transport transport;
    private final Limits limits;
    private final Events events;
    private final FrameReader reader;
    private final HpackDecoder decoder;
    private final HpackEncoder encoder = new HpackEncoder(4096);
    private final ByteOutput out = new ByteOutput(16 * 1024);
    private final ByteOutput block = new ByteOutput(512);
    private final Map<Integer, Http2Stream> streams = new HashMap<>();
    private final List<Map.Entry<String, String>> fields = new ArrayList<>();
    private int written;
    private int nextStreamId = 1;
    private int reserved;
    private long peerMaxConcurrent;
    private long peerInitialWindow = DEFAULT_WINDOW;
    private int peerMaxFrameSize = 16_384;
    private long sendWindow = DEFAULT_WINDOW;
    private long receiveWindow;
    private int receiveUnacked;
    private boolean settingsReceived;
    private int goawayLastStreamId = -1;
    private long goawayError;
    private boolean closed;
    private String failure;
    private int queuedControlReplies;
    private int uselessFrames;
    private int blockedStreams;
    private long lastPingAckNanos;

    /** A connection over {@code transport}; call {@link #start()} before anything else. */
    public Http2Connection(Transport transport, Limits limits, Events events) {
        this.transport = transport;
        this.limits = limits;
        this.events = events;
        this.reader = new FrameReader(16_384, limits.maxHeaderListBytes(), limits.maxContinuations());
        this.decoder = new HpackDecoder(4096, limits.maxHeaderListBytes(), limits.maxFields());
        // the server's limit is unknown until its first SETTINGS: assume 100, as nghttp2 does
        this.peerMaxConcurrent = 100;
        this.receiveWindow = limits.connectionWindow();
    }

    /** Queues the client preface, our SETTINGS (no push) and the connection window's first update. */
    public void start() {
        out.write(FrameWriter.PREFACE, 0, FrameWriter.PREFACE.length);
        FrameWriter.settings(out, List.of(
                new Setting(Setting.ENABLE_PUSH, 0),
                new Setting(Setting.INITIAL_WINDOW_SIZE, limits.streamWindow()),
                new Setting(Setting.MAX_HEADER_LIST_SIZE, limits.maxHeaderListBytes())));
        if (limits.connectionWindow() > DEFAULT_WINDOW) {
            FrameWriter.windowUpdate(out, 0, limits.connectionWindow() - DEFAULT_WINDOW);
        }
    }

    // ---- capacity ----

    /** Whether a new stream may be reserved now: open, no GOAWAY, ids left, under both stream limits. */
    public boolean hasCapacity() {
        long limit = Math.min(limits.maxConcurrentStreams(), peerMaxConcurrent);
        return !closed && goawayLastStreamId < 0 && streams.size() + reserved < limit
                && (long) nextStreamId + 2L * reserved <= MAX_STREAM_ID;
    }

    /** Holds a place for one stream to be opened by {@link #openStream}. */
    public void reserve() {
        reserved++;
    }

    /** Gives back a place held by {@link #reserve()} that will not be used. */
    public void unreserve() {
        reserved--;
        events.capacityChanged(this);
    }

    /** Streams open plus places reserved. */
    public int load() {
        return streams.size() + reserved;
    }

    /** Streams open now. */
    public int activeStreams() {
        return streams.size();
    }

    /** Whether the connection takes no new stream and will close when its streams end. */
    public boolean isDraining() {
        return closed || goawayLastStreamId >= 0 || nextStreamId > MAX_STREAM_ID - 2 * reserved;
    }

    /** Whether the connection failed or was closed. */
    public boolean isClosed() {
        return closed;
    }

    /** Why the connection failed, or null. */
    public String failure() {
        return failure;
    }

    // ---- sending ----

    /**
     * Opens a stream in a reserved place and queues its HEADERS. {@code requestFields} are
     * name/value pairs, names in lower case, pseudo-headers first.
     */
    public Http2Stream openStream(List<Map.Entry<String, String>> requestFields, boolean endStream, StreamHandler handler) {
        reserved--;
        int id = nextStreamId;
        nextStreamId += 2;
        Http2Stream s = new Http2Stream(id, handler, peerInitialWindow, limits.streamWindow());
        streams.put(id, s);
        block.reset();
        encoder.beginBlock(block);
        for (Map.Entry<String, String> f : requestFields) {
            encoder.field(f.getKey(), f.getValue(), block);
        }
        FrameWriter.headers(out, id, endStream, block.array(), 0, block.size(), peerMaxFrameSize);
        s.localEnded = endStream;
        return s;
    }

    /**
     * Queues as much of {@code src} as both send windows allow as DATA, with END_STREAM on the
     * last frame when {@code end} and all of it went. Returns the bytes taken; when fewer than
     * offered, the stream waits for {@link StreamHandler#onWritable}.
     */
    public int sendData(Http2Stream s, ByteBuffer src, boolean end) {
        if (s.closed || s.localEnded) {
            return 0;
        }
        int taken = 0;
        while (src.hasRemaining()) {
            long room = Math.min(Math.min(s.sendWindow, sendWindow), peerMaxFrameSize);
            if (room <= 0) {
                if (!s.writeBlocked) {
                    s.writeBlocked = true;
                    blockedStreams++;
                }
                return taken;
            }
            int n = (int) Math.min(room, src.remaining());
            boolean last = end && n == src.remaining();
            FrameWriter.data(out, s.id, last, src, n);
            s.sendWindow -= n;
            sendWindow -= n;
            taken += n;
            s.localEnded = last;
        }
        if (end && !s.localEnded) {
            FrameWriter.data(out, s.id, true, src, 0);
            s.localEnded = true;
        }
        return taken;
    }

    /** The consumer took {@code bytes} of the stream's body: its window reopens once half is used. */
    public void consumed(Http2Stream s, int bytes) {
        if (s.closed || s.remoteEnded) {
            return;
        }
        s.receiveUnacked += bytes;
        if (s.receiveUnacked >= limits.streamWindow() / 2) {
            FrameWriter.windowUpdate(out, s.id, s.receiveUnacked);
            s.receiveWindow += s.receiveUnacked;
            s.receiveUnacked = 0;
        }
    }

    /** Ends a stream from our side with RST_STREAM (CANCEL when the transfer was stopped). No handler call follows. */
    public void reset(Http2Stream s, long errorCode) {
        if (s.closed) {
            return;
        }
        FrameWriter.rstStream(out, s.id, errorCode);
        close(s);
    }

    /** Sends a PING whose answer proves the connection alive; see {@link #lastPingAckNanos()}. */
    public void ping(long nowNanos) {
        FrameWriter.ping(out, false, nowNanos);
    }

    /** When the last answer to our PING was sent by us (its payload), or 0. */
    public long lastPingAckNanos() {
        return lastPingAckNanos;
    }

    /** Whether frames wait to be written. */
    public boolean hasOutput() {
        return written < out.size();
    }

    /** Writes queued frames as far as the socket takes them; true when none is left. */
    public boolean flush() throws IOException {
        while (written < out.size()) {
            int n = transport.write(ByteBuffer.wrap(out.array(), written, out.size() - written));
            if (n == 0) {
                break;
            }
            written += n;
        }
        boolean drained = transport.flush() && written == out.size();
        if (written == out.size()) {
            out.reset();
            written = 0;
            queuedControlReplies = 0;
        }
        return drained;
    }

    /** Closes politely: GOAWAY NO_ERROR queued (the caller flushes once and closes the socket). */
    public void close() {
        if (!closed) {
            FrameWriter.goAway(out, 0, ErrorCode.NO_ERROR, new byte[0]);
            failAll(ErrorCode.CANCEL, false, "the connection was closed");
            closed = true;
        }
    }

    // ---- receiving ----

    /**
     * Reads what arrived and handles its frames. Returns false when the connection is finished
     * (failed, or closed by the server); its streams were told. Reads a bounded amount per call;
     * {@code more[0]} says whether more may be waiting already.
     */
    public boolean onReadable(ByteBuffer buffer, boolean[] more) {
        more[0] = false;
        try {
            for (int i = 0; i < READS_PER_TURN && !closed; i++) {
                int n = transport.read(buffer.clear());
                if (n == 0) {
                    return true;
                }
                if (n < 0) {
                    throw new EOFException("the server closed the connection");
                }
                reader.read(buffer.flip(), this);
            }
            more[0] = !closed;
            return !closed;
        } catch (Http2Exception e) {
            fail(e.errorCode(), e.getMessage());
        } catch (IOException e) {
            lost(e);
        }
        return false;
    }

    /** A connection error of ours: GOAWAY with the code, every stream told. */
    public void fail(long errorCode, String message) {
        if (closed) {
            return;
        }
        byte[] debug = message.getBytes(StandardCharsets.UTF_8);
        FrameWriter.goAway(out, lastPeerStream(), errorCode, debug.length > 256 ? java.util.Arrays.copyOf(debug, 256) : debug);
        failure = "HTTP/2 connection error " + ErrorCode.describe(errorCode) + ": " + message;
        closed = true;
        failAll(errorCode, false, failure);
    }

    private void lost(IOException e) {
        if (closed) {
            return;
        }
        failure = "HTTP/2 connection lost: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        closed = true;
        failAll(ErrorCode.INTERNAL_ERROR, false, failure);
    }

    private int lastPeerStream() {
        return 0;
    }

    private void failAll(long errorCode, boolean unprocessed, String message) {
        for (Http2Stream s : new ArrayList<>(streams.values())) {
            close(s);
            s.handler.onClosed(s, errorCode, unprocessed, true, message);
        }
        events.capacityChanged(this);
    }

    private void close(Http2Stream s) {
        if (!s.closed) {
            s.closed = true;
            streams.remove(s.id);
            if (s.writeBlocked) {
                blockedStreams--;
            }
            events.capacityChanged(this);
        }
    }

    /** The stream a frame is for, or null for one that is closed; a frame for an idle stream is a connection error. */
    private Http2Stream stream(int id, String frame) throws Http2Exception {
        Http2Stream s = streams.get(id);
        if (s == null && ((id & 1) == 0 || id >= nextStreamId)) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, frame + " on stream " + id + ", which the client never opened");
        }
        return s;
    }

    private void useless(String what) throws Http2Exception {
        if (++uselessFrames > limits.maxUselessFrames()) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "more than " + limits.maxUselessFrames()
                    + " frames in a row that carried nothing (last: " + what + "): flood refused");
        }
    }

    private void controlReply() throws Http2Exception {
        if (++queuedControlReplies > limits.maxQueuedControlReplies()) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "more than " + limits.maxQueuedControlReplies()
                    + " PING/SETTINGS acknowledgements queued while the server does not read: flood refused");
        }
    }

    @Override
    public boolean data(int streamId, boolean endStream, ByteBuffer payload, int flowControlled) throws Http2Exception {
        if (flowControlled > receiveWindow) {
            throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "DATA of " + flowControlled
                    + " bytes on stream " + streamId + " exceeds the connection window of " + receiveWindow);
        }
        receiveWindow -= flowControlled;
        receiveUnacked += flowControlled;
        if (receiveUnacked >= limits.connectionWindow() / 2) {
            // credited at once, even for streams already reset (RFC 9113 section 6.9)
            FrameWriter.windowUpdate(out, 0, receiveUnacked);
            receiveWindow += receiveUnacked;
            receiveUnacked = 0;
        }
        Http2Stream s = stream(streamId, "DATA");
        if (payload.remaining() == 0 && !endStream) {
            useless("empty DATA on stream " + streamId);
        } else {
            uselessFrames = 0;
        }
        if (s == null) {
            return true;
        }
        if (!s.finalHeadSeen || s.remoteEnded) {
            streamError(s, ErrorCode.PROTOCOL_ERROR, "DATA on stream " + streamId + (s.remoteEnded ? " after END_STREAM" : " before the response head"));
            return true;
        }
        if (flowControlled > s.receiveWindow) {
            streamError(s, ErrorCode.FLOW_CONTROL_ERROR, "DATA of " + flowControlled + " bytes on stream " + streamId
                    + " exceeds its window of " + s.receiveWindow);
            return true;
        }
        s.receiveWindow -= flowControlled;
        int padding = flowControlled - payload.remaining();
        if (padding > 0) {
            consumed(s, padding);
        }
        s.remoteEnded = endStream;
        deliver(s, () -> s.handler.onData(s, payload, endStream));
        if (endStream) {
            ended(s);
        }
        return true;
    }

    @Override
    public boolean headers(int streamId, boolean endStream, ByteBuffer headerBlock) throws Http2Exception {
        fields.clear();
        // decoded even for a stream already closed: the HPACK table must stay in step
        decoder.decode(headerBlock, (name, value) -> fields.add(new AbstractMap.SimpleImmutableEntry<>(name, value)));
        uselessFrames = 0;
        Http2Stream s = stream(streamId, "HEADERS");
        if (s == null) {
            return true;
        }
        if (s.remoteEnded) {
            streamError(s, ErrorCode.STREAM_CLOSED, "HEADERS on stream " + streamId + " after END_STREAM");
            return true;
        }
        List<Map.Entry<String, String>> copy = List.copyOf(fields);
        if (!s.finalHeadSeen) {
            int status = FieldRules.checkHeadOrFail(s, copy, this);
            if (status < 0) {
                return true;
            }
            if (status < 200) {
                if (endStream || ++s.interimCount > limits.maxInterim()) {
                    streamError(s, ErrorCode.PROTOCOL_ERROR, endStream ? "interim response " + status + " with END_STREAM on stream " + streamId
                            : "more than " + limits.maxInterim() + " interim (1xx) responses on stream " + streamId);
                    return true;
                }
            } else {
                s.finalHeadSeen = true;
            }
        } else if (!endStream) {
            streamError(s, ErrorCode.PROTOCOL_ERROR, "trailers without END_STREAM on stream " + streamId);
            return true;
        } else {
            try {
                FieldRules.checkTrailers(streamId, copy);
            } catch (Http2Exception e) {
                streamError(s, e.errorCode(), e.getMessage());
                return true;
            }
        }
        s.remoteEnded = endStream;
        deliver(s, () -> s.handler.onHeaders(s, copy, endStream));
        if (endStream) {
            ended(s);
        }
        return true;
    }

    /** Runs a handler call; a stream error it throws resets the stream. */
    private void deliver(Http2Stream s, Delivery call) {
        if (s.closed) {
            return;
        }
        try {
            call.run();
        } catch (Http2Exception e) {
            streamError(s, e.errorCode(), e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Delivery {
        void run() throws Http2Exception;
    }

    /** A stream error: RST_STREAM with the code, the handler told. */
    void streamError(Http2Stream s, long errorCode, String message) {
        if (s.closed) {
            return;
        }
        FrameWriter.rstStream(out, s.id, errorCode);
        close(s);
        s.handler.onClosed(s, errorCode, false, false, message + " (" + ErrorCode.describe(errorCode) + ")");
    }

    /** The server's END_STREAM arrived: the stream is closed once ours went too. */
    private void ended(Http2Stream s) {
        if (!s.closed) {
            if (!s.localEnded) {
                // the response is complete before our body was: stop sending it (RFC 9113 section 8.1)
                FrameWriter.rstStream(out, s.id, ErrorCode.NO_ERROR);
            }
            close(s);
        }
    }

    @Override
    public boolean pushPromise(int streamId, int promisedStreamId, ByteBuffer headerBlock) throws Http2Exception {
        throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE on stream " + streamId + " although the client disabled push");
    }

    @Override
    public boolean priority(int streamId) throws Http2Exception {
        useless("PRIORITY on stream " + streamId);
        return true;
    }

    @Override
    public boolean rstStream(int streamId, long errorCode) throws Http2Exception {
        Http2Stream s = stream(streamId, "RST_STREAM");
        if (s == null) {
            useless("RST_STREAM on closed stream " + streamId);
            return true;
        }
        close(s);
        boolean unprocessed = errorCode == ErrorCode.REFUSED_STREAM;
        s.handler.onClosed(s, errorCode, unprocessed, false, "the server reset stream " + streamId + " with "
                + ErrorCode.describe(errorCode));
        return true;
    }

    @Override
    public boolean settings(boolean ack, List<Setting> settings) throws Http2Exception {
        if (ack) {
            return true;
        }
        if (settingsReceived) {
            useless("SETTINGS");
        }
        for (Setting setting : settings) {
            apply(setting);
        }
        settingsReceived = true;
        FrameWriter.settingsAck(out);
        controlReply();
        events.capacityChanged(this);
        return true;
    }

    private void apply(Setting setting) throws Http2Exception {
        long value = setting.value();
        switch (setting.id()) {
            case Setting.HEADER_TABLE_SIZE -> encoder.peerMaxTableSize(value);
            case Setting.ENABLE_PUSH -> {
                if (value != 0) {
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH=" + value + " from a server");
                }
            }
            case Setting.MAX_CONCURRENT_STREAMS -> peerMaxConcurrent = value;
            case Setting.INITIAL_WINDOW_SIZE -> initialWindow(value);
            case Setting.MAX_FRAME_SIZE -> peerMaxFrameSize = (int) value;
            default -> { }
        }
    }

    /** A new initial window moves every stream's send window by the difference, maybe below zero. */
    private void initialWindow(long value) throws Http2Exception {
        long delta = value - peerInitialWindow;
        peerInitialWindow = value;
        for (Http2Stream s : streams.values()) {
            s.sendWindow += delta;
            if (s.sendWindow > Integer.MAX_VALUE) {
                throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE=" + value
                        + " takes the window of stream " + s.id + " past 2^31-1");
            }
        }
        if (delta > 0) {
            wakeWriters();
        }
    }

    @Override
    public boolean ping(boolean ack, long opaqueData) throws Http2Exception {
        if (ack) {
            lastPingAckNanos = opaqueData;
            return true;
        }
        useless("PING");
        FrameWriter.ping(out, true, opaqueData);
        controlReply();
        return true;
    }

    @Override
    public boolean goAway(int lastStreamId, long errorCode, ByteBuffer debugData) throws Http2Exception {
        if (goawayLastStreamId >= 0 && lastStreamId > goawayLastStreamId) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "GOAWAY raised its last stream id from "
                    + goawayLastStreamId + " to " + lastStreamId);
        }
        goawayLastStreamId = lastStreamId;
        goawayError = errorCode;
        String debug = StandardCharsets.ISO_8859_1.decode(debugData).toString();
        events.goaway(this, errorCode, lastStreamId, debug);
        String why = "GOAWAY " + ErrorCode.describe(errorCode) + " with last stream " + lastStreamId
                + (debug.isEmpty() ? "" : " (" + FieldRules.Quote.clip(debug) + ")");
        for (Http2Stream s : new ArrayList<>(streams.values())) {
            if (s.id > lastStreamId) {
                close(s);
                s.handler.onClosed(s, errorCode == ErrorCode.HTTP_1_1_REQUIRED ? errorCode : ErrorCode.REFUSED_STREAM,
                        true, true, "stream " + s.id + " was not processed: " + why);
            }
        }
        events.capacityChanged(this);
        return true;
    }

    /** The error code of the GOAWAY received, if any. */
    public long goawayError() {
        return goawayError;
    }

    @Override
    public boolean windowUpdate(int streamId, int increment) throws Http2Exception {
        if (streamId == 0) {
            sendWindow += increment;
            if (sendWindow > Integer.MAX_VALUE) {
                throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "WINDOW_UPDATE takes the connection window past 2^31-1");
            }
            if (blockedStreams == 0) {
                useless("WINDOW_UPDATE on the connection");
            } else {
                wakeWriters();
            }
            return true;
        }
        Http2Stream s = stream(streamId, "WINDOW_UPDATE");
        if (s == null) {
            useless("WINDOW_UPDATE on closed stream " + streamId);
            return true;
        }
        s.sendWindow += increment;
        if (s.sendWindow > Integer.MAX_VALUE) {
            streamError(s, ErrorCode.FLOW_CONTROL_ERROR, "WINDOW_UPDATE takes the window of stream " + streamId + " past 2^31-1");
            return true;
        }
        if (s.writeBlocked && s.sendWindow > 0 && sendWindow > 0) {
            unblock(s);
        } else if (!s.writeBlocked) {
            useless("WINDOW_UPDATE on stream " + streamId);
        }
        return true;
    }

    private void wakeWriters() {
        if (sendWindow <= 0 || blockedStreams == 0) {
            return;
        }
        for (Http2Stream s : new ArrayList<>(streams.values())) {
            if (s.writeBlocked && s.sendWindow > 0) {
                unblock(s);
            }
        }
    }

    private void unblock(Http2Stream s) {
        s.writeBlocked = false;
        blockedStreams--;
        s.handler.onWritable(s);
    }

    @Override
    public boolean unknown(int type, int streamId, int length) throws Http2Exception {
        useless("unknown frame type 0x" + Integer.toHexString(type));
        return true;
    }

    @Override
    public String toString() {
        return "HTTP/2 connection, " + streams.size() + " streams" + (closed ? ", closed" : goawayLastStreamId >= 0 ? ", draining" : "");
    }
}
