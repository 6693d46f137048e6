package dev.multifetch.core.http2;

import dev.multifetch.core.http1.Quote;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What an {@link Http2Connection} does with each frame the server sends: flow-control
 * accounting, header blocks decoded (always, to keep HPACK in step) and checked, SETTINGS
 * applied and acknowledged, PING answered, GOAWAY and RST_STREAM turned into the streams'
 * ends, and the budget of frames that carry nothing (CVE-2019-9512/9515/9518 class) spent.
 * Driving thread only.
 */
final class Http2Inbound implements FrameHandler {

    private final Http2Connection c;

    Http2Inbound(Http2Connection connection) {
        this.c = connection;
    }

    /** The stream a frame is for, or null for one that is closed; a frame for an idle stream is a connection error. */
    private Http2Stream stream(int id, String frame) throws Http2Exception {
        Http2Stream s = c.streams.get(id);
        if (s == null && ((id & 1) == 0 || id >= c.nextStreamId)) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, frame + " on stream " + id + ", which the client never opened");
        }
        return s;
    }

    void useless(String what) throws Http2Exception {
        if (++c.uselessFrames > c.limits.maxUselessFrames()) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "more than " + c.limits.maxUselessFrames()
                    + " frames in a row that carried nothing (last: " + what + "): flood refused");
        }
    }

    private void controlReply() throws Http2Exception {
        if (++c.queuedControlReplies > c.limits.maxQueuedControlReplies()) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "more than " + c.limits.maxQueuedControlReplies()
                    + " PING/SETTINGS acknowledgements queued while the server does not read: flood refused");
        }
    }

    @Override
    public boolean data(int streamId, boolean endStream, ByteBuffer payload, int flowControlled) throws Http2Exception {
        if (flowControlled > c.receiveWindow) {
            throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "DATA of " + flowControlled
                    + " bytes on stream " + streamId + " exceeds the connection window of " + c.receiveWindow);
        }
        c.receiveWindow -= flowControlled;
        c.receiveUnacked += flowControlled;
        if (c.receiveUnacked >= c.limits.connectionWindow() / 2) {
            // credited at once, even for streams already reset (RFC 9113 section 6.9)
            FrameWriter.windowUpdate(c.out, 0, c.receiveUnacked);
            c.receiveWindow += c.receiveUnacked;
            c.receiveUnacked = 0;
        }
        Http2Stream s = stream(streamId, "DATA");
        if (payload.remaining() == 0 && !endStream) {
            useless("empty DATA on stream " + streamId);
        } else {
            c.uselessFrames = 0;
        }
        if (s == null) {
            return true;
        }
        if (!s.finalHeadSeen || s.remoteEnded) {
            c.streamError(s, ErrorCode.PROTOCOL_ERROR, "DATA on stream " + streamId + (s.remoteEnded ? " after END_STREAM" : " before the response head"));
            return true;
        }
        if (flowControlled > s.receiveWindow) {
            c.streamError(s, ErrorCode.FLOW_CONTROL_ERROR, "DATA of " + flowControlled + " bytes on stream " + streamId
                    + " exceeds its window of " + s.receiveWindow);
            return true;
        }
        s.receiveWindow -= flowControlled;
        int padding = flowControlled - payload.remaining();
        if (padding > 0) {
            c.consumed(s, padding);
        }
        s.remoteEnded = endStream;
        try {
            s.handler.onData(s, payload, endStream);
        } catch (Http2Exception e) {
            c.streamError(s, e.errorCode(), e.getMessage());
        }
        if (endStream) {
            ended(s);
        }
        return true;
    }

    @Override
    public boolean headers(int streamId, boolean endStream, ByteBuffer headerBlock) throws Http2Exception {
        c.fields.clear();
        int blockBytes = headerBlock.remaining();
        // decoded even for a stream already closed: the HPACK table must stay in step
        c.decoder.decode(headerBlock, (name, value) -> c.fields.add(Map.entry(name, value)));
        c.uselessFrames = 0;
        Http2Stream s = stream(streamId, "HEADERS");
        if (s == null) {
            return true;
        }
        if (s.remoteEnded) {
            c.streamError(s, ErrorCode.STREAM_CLOSED, "HEADERS on stream " + streamId + " after END_STREAM");
            return true;
        }
        s.headerBytesReceived += blockBytes;
        List<Map.Entry<String, String>> copy = List.copyOf(c.fields);
        if (!s.finalHeadSeen) {
            int status;
            try {
                status = FieldRules.checkHead(streamId, copy);
            } catch (Http2Exception e) {
                c.streamError(s, e.errorCode(), e.getMessage());
                return true;
            }
            if (status < 200) {
                if (endStream || ++s.interimCount > c.limits.maxInterim()) {
                    c.streamError(s, ErrorCode.PROTOCOL_ERROR, endStream ? "interim response " + status + " with END_STREAM on stream " + streamId
                            : "more than " + c.limits.maxInterim() + " interim (1xx) responses on stream " + streamId);
                    return true;
                }
            } else {
                s.finalHeadSeen = true;
            }
        } else if (!endStream) {
            c.streamError(s, ErrorCode.PROTOCOL_ERROR, "trailers without END_STREAM on stream " + streamId);
            return true;
        } else {
            try {
                FieldRules.checkTrailers(streamId, copy);
            } catch (Http2Exception e) {
                c.streamError(s, e.errorCode(), e.getMessage());
                return true;
            }
        }
        s.remoteEnded = endStream;
        try {
            s.handler.onHeaders(s, copy, endStream);
        } catch (Http2Exception e) {
            c.streamError(s, e.errorCode(), e.getMessage());
        }
        if (endStream) {
            ended(s);
        }
        return true;
    }

    /** The server's END_STREAM arrived: the stream is closed once ours went too. */
    private void ended(Http2Stream s) {
        if (!s.closed) {
            if (!s.localEnded) {
                // the response is complete before our body was: stop sending it (RFC 9113 section 8.1)
                FrameWriter.rstStream(c.out, s.id, ErrorCode.NO_ERROR);
            }
            c.closeStream(s);
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
        s.endCode = errorCode;
        c.closeStream(s);
        boolean unprocessed = errorCode == ErrorCode.REFUSED_STREAM;
        s.handler.onClosed(s, errorCode, unprocessed, false, "the server reset stream " + streamId + " with "
                + ErrorCode.describe(errorCode));
        return true;
    }

    @Override
    public boolean settings(boolean ack, List<Setting> settings) throws Http2Exception {
        if (ack) {
            useless("SETTINGS ACK");
            return true;
        }
        if (c.settingsReceived) {
            useless("SETTINGS");
        }
        for (Setting setting : settings) {
            apply(setting);
        }
        c.settingsReceived = true;
        FrameWriter.settingsAck(c.out);
        controlReply();
        c.events.capacityChanged(c);
        return true;
    }

    private void apply(Setting setting) throws Http2Exception {
        long value = setting.value();
        switch (setting.id()) {
            case Setting.HEADER_TABLE_SIZE -> c.encoder.peerMaxTableSize(value);
            case Setting.ENABLE_PUSH -> {
                if (value != 0) {
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH=" + value + " from a server");
                }
            }
            case Setting.MAX_CONCURRENT_STREAMS -> c.peerMaxConcurrent = value;
            case Setting.INITIAL_WINDOW_SIZE -> initialWindow(value);
            case Setting.MAX_FRAME_SIZE -> c.peerMaxFrameSize = (int) value;
            default -> { }
        }
    }

    /** A new initial window moves every stream's send window by the difference, maybe below zero. */
    private void initialWindow(long value) throws Http2Exception {
        long delta = value - c.peerInitialWindow;
        c.peerInitialWindow = value;
        for (Http2Stream s : c.streams.snapshot()) {
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
            if (c.pingDeadlineNanos != 0) {
                c.pingDeadlineNanos = 0;
            } else {
                useless("PING ACK");
            }
            return true;
        }
        useless("PING");
        FrameWriter.ping(c.out, true, opaqueData);
        controlReply();
        return true;
    }

    @Override
    public boolean goAway(int lastStreamId, long errorCode, ByteBuffer debugData) throws Http2Exception {
        if (c.goawayLastStreamId >= 0 && lastStreamId > c.goawayLastStreamId) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "GOAWAY raised its last stream id from "
                    + c.goawayLastStreamId + " to " + lastStreamId);
        }
        c.goawayLastStreamId = lastStreamId;
        String debug = StandardCharsets.ISO_8859_1.decode(debugData).toString();
        c.events.goaway(c, errorCode, lastStreamId, debug);
        String why = "GOAWAY " + ErrorCode.describe(errorCode) + " with last stream " + lastStreamId
                + (debug.isEmpty() ? "" : " (" + Quote.text(debug) + ")");
        for (Http2Stream s : c.streams.snapshot()) {
            if (s.id > lastStreamId) {
                s.endCode = ErrorCode.REFUSED_STREAM;
                c.closeStream(s);
                s.handler.onClosed(s, errorCode == ErrorCode.HTTP_1_1_REQUIRED ? errorCode : ErrorCode.REFUSED_STREAM,
                        true, true, "stream " + s.id + " was not processed: " + why);
            }
        }
        c.events.capacityChanged(c);
        return true;
    }

    @Override
    public boolean windowUpdate(int streamId, int increment) throws Http2Exception {
        if (streamId == 0) {
            c.sendWindow += increment;
            if (c.sendWindow > Integer.MAX_VALUE) {
                throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "WINDOW_UPDATE takes the connection window past 2^31-1");
            }
            if (c.blockedStreams == 0) {
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
            c.streamError(s, ErrorCode.FLOW_CONTROL_ERROR, "WINDOW_UPDATE takes the window of stream " + streamId + " past 2^31-1");
            return true;
        }
        if (s.writeBlocked && s.sendWindow > 0 && c.sendWindow > 0) {
            unblock(s);
        } else if (!s.writeBlocked) {
            useless("WINDOW_UPDATE on stream " + streamId);
        }
        return true;
    }

    private void wakeWriters() {
        if (c.sendWindow <= 0 || c.blockedStreams == 0) {
            return;
        }
        for (Http2Stream s : c.streams.snapshot()) {
            if (s.writeBlocked && s.sendWindow > 0) {
                unblock(s);
            }
        }
    }

    private void unblock(Http2Stream s) {
        s.writeBlocked = false;
        c.blockedStreams--;
        s.handler.onWritable(s);
    }

    @Override
    public boolean unknown(int type, int streamId, int length) throws Http2Exception {
        useless("unknown frame type 0x" + Integer.toHexString(type));
        return true;
    }

}
