package dev.multifetch.core.http2;

import dev.multifetch.core.connection.Transport;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
public final class Http2Connection {

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

    final Transport transport;
    private final Http2Inbound inbound = new Http2Inbound(this);
    final Limits limits;
    final Events events;
    final FrameReader reader;
    final HpackDecoder decoder;
    final HpackEncoder encoder = new HpackEncoder(4096);
    final ByteOutput out = new ByteOutput(16 * 1024);
    final ByteOutput block = new ByteOutput(512);
    final StreamMap streams = new StreamMap();
    final List<Map.Entry<String, String>> fields = new ArrayList<>();
    int written;
    /** A long: past 2^31-1 it must not wrap to a negative id. */
    long nextStreamId = 1;
    int reserved;
    long peerMaxConcurrent;
    long peerInitialWindow = DEFAULT_WINDOW;
    int peerMaxFrameSize = 16_384;
    long sendWindow = DEFAULT_WINDOW;
    long receiveWindow;
    int receiveUnacked;
    boolean settingsReceived;
    int goawayLastStreamId = -1;
    boolean closed;
    String failure;
    int queuedControlReplies;
    int uselessFrames;
    int blockedStreams;
    long pingDeadlineNanos;

    /** A connection over {@code transport}; call {@link #start()} before anything else. */
    public Http2Connection(Transport transport, Limits limits, Events events) {
        this(transport, limits, events, 1);
    }

    /** As the public constructor, its first stream id given: tests reach the end of the id space. */
    Http2Connection(Transport transport, Limits limits, Events events, int firstStreamId) {
        this.transport = transport;
        this.limits = limits;
        this.events = events;
        this.reader = new FrameReader(16_384, limits.maxHeaderListBytes(), limits.maxContinuations());
        this.decoder = new HpackDecoder(4096, limits.maxHeaderListBytes(), limits.maxFields());
        // without SETTINGS_MAX_CONCURRENT_STREAMS the server sets no limit (RFC 9113 section 6.5.2)
        this.peerMaxConcurrent = Integer.MAX_VALUE;
        this.receiveWindow = limits.connectionWindow();
        this.nextStreamId = firstStreamId;
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
        // until the server's SETTINGS say how many it takes, only the stream that opened the
        // connection goes out: more could be refused (Jetty waits for the preface too)
        long limit = settingsReceived ? Math.min(limits.maxConcurrentStreams(), peerMaxConcurrent) : 1;
        return !closed && goawayLastStreamId < 0 && streams.size() + reserved < limit
                && nextStreamId + 2L * reserved <= MAX_STREAM_ID;
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

    /** Whether the connection takes no new stream and will close when its streams end. */
    public boolean isDraining() {
        return closed || goawayLastStreamId >= 0 || nextStreamId + 2L * reserved > MAX_STREAM_ID;
    }

    /** Whether the server's first SETTINGS arrived: until then only the opening stream may go out. */
    public boolean settingsReceived() {
        return settingsReceived;
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
        int id = (int) nextStreamId;
        nextStreamId += 2;
        Http2Stream s = new Http2Stream(id, handler, peerInitialWindow, limits.streamWindow());
        streams.put(s);
        block.reset();
        encoder.beginBlock(block);
        for (Map.Entry<String, String> f : requestFields) {
            encoder.field(f.getKey(), f.getValue(), block);
        }
        int before = out.size();
        FrameWriter.headers(out, id, endStream, block.array(), 0, block.size(), peerMaxFrameSize);
        s.headerBytesSent = out.size() - before;
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
        s.endCode = errorCode;
        closeStream(s);
    }

    /**
     * Sends a PING ahead of new work; without its answer by {@code deadlineNanos} the peer is taken
     * for dead ({@link #pingOverdue}), so the work fails over instead of waiting for its own timeout.
     */
    public void ping(long nowNanos, long deadlineNanos) {
        FrameWriter.ping(out, false, nowNanos);
        if (pingDeadlineNanos == 0) {
            pingDeadlineNanos = deadlineNanos;
        }
    }

    /** When the outstanding PING must be answered by, or 0 when none is outstanding. */
    public long pingDeadline() {
        return pingDeadlineNanos;
    }

    /** The PING's answer is overdue: the connection is lost; its streams are told. */
    public void pingOverdue() {
        pingDeadlineNanos = 0;
        lost(new IOException("no answer to a PING within the connect timeout"));
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
            failAll(ErrorCode.CANCEL, "the connection was closed");
            closed = true;
        }
    }

    // ---- receiving ----

    /**
     * Reads what arrived and handles its frames; a failure or the server's close ends the
     * connection and its streams are told ({@link #isClosed()}). Reads a bounded amount per call;
     * {@code more[0]} says whether more may be waiting already.
     */
    public void onReadable(ByteBuffer buffer, boolean[] more) {
        more[0] = false;
        try {
            for (int i = 0; i < READS_PER_TURN && !closed; i++) {
                int n = transport.read(buffer.clear());
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    throw new EOFException("the server closed the connection");
                }
                buffer.flip();
                readFrames(buffer);
            }
            more[0] = !closed;
        } catch (Http2Exception e) {
            fail(e.errorCode(), e.getMessage());
        } catch (IOException e) {
            lost(e);
        }
    }

    /** Handles every frame in {@code buffer}; a stream error resets its stream and reading goes on. */
    private void readFrames(ByteBuffer buffer) throws Http2Exception {
        while (true) {
            try {
                reader.read(buffer, inbound);
                return;
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    throw e;
                }
                Http2Stream s = streams.get(e.streamId());
                if (s != null) {
                    streamError(s, e.errorCode(), e.getMessage());
                } else {
                    // an error on a stream already closed: nothing to reset, but it costs the flood budget
                    inbound.useless(e.getMessage());
                }
            }
        }
    }

    /** A connection error of ours: GOAWAY with the code, every stream told. */
    public void fail(long errorCode, String message) {
        if (closed) {
            return;
        }
        byte[] debug = message.getBytes(StandardCharsets.UTF_8);
        // the last stream id of a client's GOAWAY counts server-initiated streams: with push off, none
        FrameWriter.goAway(out, 0, errorCode, debug.length > 256 ? java.util.Arrays.copyOf(debug, 256) : debug);
        failure = "HTTP/2 connection error " + ErrorCode.describe(errorCode) + ": " + message;
        closed = true;
        failAll(errorCode, failure);
    }

    private void lost(IOException e) {
        if (closed) {
            return;
        }
        failure = "HTTP/2 connection lost: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        closed = true;
        failAll(ErrorCode.INTERNAL_ERROR, failure);
    }

    private void failAll(long errorCode, String message) {
        for (Http2Stream s : streams.snapshot()) {
            s.endCode = errorCode;
            closeStream(s);
            s.handler.onClosed(s, errorCode, false, true, message);
        }
        events.capacityChanged(this);
    }

    void closeStream(Http2Stream s) {
        if (!s.closed) {
            s.closed = true;
            s.handler.onStreamEnd(s, s.endCode);
            streams.remove(s.id);
            if (s.writeBlocked) {
                blockedStreams--;
            }
            events.capacityChanged(this);
        }
    }

    /** A stream error: RST_STREAM with the code, the handler told. */
    void streamError(Http2Stream s, long errorCode, String message) {
        if (s.closed) {
            return;
        }
        reset(s, errorCode);
        s.handler.onClosed(s, errorCode, false, false, message + " (" + ErrorCode.describe(errorCode) + ")");
    }

    @Override
    public String toString() {
        return "HTTP/2 connection, " + streams.size() + " streams" + (closed ? ", closed" : goawayLastStreamId >= 0 ? ", draining" : "");
    }
}
