package dev.multifetch.core.multi;

import dev.multifetch.core.FetchException;
import dev.multifetch.core.TransferState;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.Headers;
import dev.multifetch.core.RequestBody;
import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.exchange.ResponseProgress;
import dev.multifetch.core.http1.BodySink;
import dev.multifetch.core.http1.HttpException;
import dev.multifetch.core.http1.Quote;
import dev.multifetch.core.http2.ErrorCode;
import dev.multifetch.core.http2.Http2Connection;
import dev.multifetch.core.http2.Http2Exception;
import dev.multifetch.core.http2.Http2Stream;
import dev.multifetch.core.http2.RequestFields;
import dev.multifetch.core.http2.StreamHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * A transfer's exchange as one stream of a shared HTTP/2 connection. Frames for the stream
 * arrive while the connection reads (for any of its streams) and go straight into the same body
 * chain as HTTP/1.1's (decoding, limit, consumer or collector); a paused consumer's bytes wait
 * here, bounded by the stream's window, which is reopened only as the consumer takes them. A
 * stream the server did not process (REFUSED_STREAM, above a GOAWAY's last id) is replayed once
 * on another stream, POST included. Driving thread only.
 *
 * <p>libcurl: {@code lib/http2.c} (the stream side of {@code cf_h2}).
 */
final class Http2Exchange implements Exchange {


    private final MultiHandle multi;
    private final TransferRunner runner;
    private final UploadPhase upload;

    Http2Exchange(MultiHandle multi, TransferRunner runner) {
        this.multi = multi;
        this.runner = runner;
        this.upload = new UploadPhase(multi);
    }

    @Override
    public boolean send(Run t) {
        runner.pretransfer(t);
        State s = t.h2;
        if (s == null) {
            s = open(t);
        }
        if (s.failure != null || s.replay) {
            return settle(t, s);
        }
        if (!s.stream.localEnded() && !sendBody(t, s)) {
            return false;
        }
        long sent = t.bytesSent;
        runner.listen(t, l -> l.requestSent(t.transfer, sent));
        runner.transition(t, TransferState.DID);
        return true;
    }

    private State open(Run t) {
        Http2Connection h2 = t.conn.http2();
        State s = new State(t, h2, new ResponseEvents(t, runner, runner.maxBody(t)));
        t.h2 = s;
        RequestBody body = t.hop.body();
        boolean endStream = body == null || body.length() == 0;
        List<Map.Entry<String, String>> fields = RequestFields.of(t.hop, t.target, multi.options().userAgent());
        s.stream = h2.openStream(fields, endStream, s);
        t.bytesSent += s.stream.headerBytesSent();
        if (!endStream) {
            t.upload = body.bytes() != null ? null : new UploadPhase.Upload(body);
            s.inline = body.bytes() != null ? ByteBuffer.wrap(body.bytes()) : null;
        }
        multi.http2().touch(t.conn);
        long id = t.conn.id();
        int streamId = s.stream.id();
        runner.listen(t, l -> l.streamOpened(t.transfer, id, streamId));
        return s;
    }

    /** Sends what the windows allow; true once the body ended (END_STREAM queued). */
    private boolean sendBody(Run t, State s) {
        Http2Connection h2 = s.connection;
        while (!s.stream.localEnded()) {
            if (s.stream.isClosed()) {
                // the response ended before the body went: the rest is not wanted (RFC 9113 section 8.1)
                return true;
            }
            ByteBuffer piece = s.inline;
            if (piece == null) {
                try {
                    piece = upload.nextRaw(t, t.upload);
                } catch (IOException e) {
                    boolean source = e instanceof UploadPhase.BodySourceException;
                    h2.reset(s.stream, ErrorCode.CANCEL);
                    multi.http2().touch(t.conn);
                    return runner.fail(t, source ? FetchError.READ_ERROR : FetchError.SEND_ERROR, TransferRunner.describe(e), e);
                }
                if (piece == null) {
                    return false;
                }
            }
            boolean last = s.inline != null || !piece.hasRemaining();
            int n = h2.sendData(s.stream, piece, last);
            t.bytesSent += n;
            t.speedWindowBytes += n;
            if (t.upload != null) {
                t.upload.payloadSent += n;
            }
            multi.http2().touch(t.conn);
            if (piece.hasRemaining()) {
                int streamId = s.stream.id();
                runner.listen(t, l -> l.flowControlStalled(t.transfer, streamId));
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean startReading(Run t) {
        runner.deadlines().startReadClocks(t);
        runner.transition(t, TransferState.PERFORMING);
        return true;
    }

    @Override
    public boolean perform(Run t) {
        State s = t.h2;
        if (s.failure != null || s.replay) {
            // a reset or a connection failure ends the transfer even while its consumer is paused
            return settle(t, s);
        }
        if (t.paused) {
            return false;
        }
        if (!s.stream.localEnded() && !sendBody(t, s) && t.state != TransferState.PERFORMING) {
            return true;
        }
        if (!s.held.isEmpty() && !releaseHeld(t, s)) {
            return false;
        }
        return settle(t, s);
    }

    /** Acts on what the stream's events left: a failure, a replay, a pause, or the end. */
    private boolean settle(Run t, State s) {
        if (s.replay) {
            return replay(t, s);
        }
        if (s.failure != null) {
            return runner.fail(t, s.failure.error(), s.failure.getMessage(), s.failure.getCause());
        }
        if (t.pauseRequested || (s.sink != null && s.sink.paused())) {
            t.pauseRequested = false;
            t.paused = true;
            multi.pause(t);
            return false;
        }
        if (s.remoteEnded && s.held.isEmpty() && t.state == TransferState.PERFORMING) {
            try {
                if (s.sink != null) {
                    s.sink.end();
                }
            } catch (HttpException e) {
                return runner.fail(t, e.error(), e.getMessage(), e.getCause());
            }
            runner.transition(t, TransferState.DONE);
            return true;
        }
        return false;
    }

    /** Hands on bytes held during a pause; false while the consumer pauses again. */
    private boolean releaseHeld(Run t, State s) {
        while (!s.held.isEmpty()) {
            ByteBuffer piece = s.held.peek();
            int n = piece.remaining();
            try {
                s.sink.write(piece, n);
            } catch (HttpException e) {
                s.fail(e.error(), e.getMessage(), e.getCause());
                return true;
            }
            s.held.poll();
            s.connection.consumed(s.stream, n);
            multi.http2().touch(t.conn);
            if (t.pauseRequested || s.sink.paused()) {
                return true;
            }
        }
        return true;
    }

    /** Sends the request again on another stream, once: the server said it never acted on it. */
    private boolean replay(Run t, State s) {
        boolean http11 = s.replayCode == ErrorCode.HTTP_1_1_REQUIRED;
        if (t.h2Replayed && !http11 || t.forceHttp11 && http11) {
            FetchError error = s.replayConnectionError ? FetchError.HTTP2 : FetchError.HTTP2_STREAM;
            return runner.fail(t, error, s.replayReason + "; not replayed again after one replay", null);
        }
        t.h2Replayed = true;
        if (http11) {
            t.forceHttp11 = true;
            multi.http2().requireHttp11(t.origin);
        }
        long code = s.replayCode;
        runner.listen(t, l -> l.streamReplayed(t.transfer, code));
        release(t, true);
        t.exchange = null;
        UploadPhase.close(t.upload);
        t.upload = null;
        t.hopPretransfer = false;
        t.hopStarttransfer = false;
        runner.transition(t, TransferState.CONNECT);
        return true;
    }

    @Override
    public ResponseProgress progress(Run t) {
        return t.h2;
    }

    @Override
    public void release(Run t, boolean reusable) {
        State s = t.h2;
        Connection c = t.conn;
        t.conn = null;
        t.h2 = null;
        if (c == null) {
            return;
        }
        t.remoteAddress = c.remote();
        t.localAddress = c.local();
        if (s == null || s.stream == null) {
            c.http2().unreserve();
        } else {
            cancelStream(c, s);
        }
        multi.http2().touch(c);
        runner.listen(t, l -> l.connectionReleased(t.transfer, c.id(), true));
    }

    @Override
    public void abandon(Run t) {
        release(t, false);
    }

    /** Resets the stream unless it ended already: the transfer no longer wants it. */
    private static void cancelStream(Connection c, State s) {
        if (!s.stream.isClosed()) {
            c.http2().reset(s.stream, ErrorCode.CANCEL);
        }
    }

    // ---- the stream's side ----

    /** A transfer's stream: the response as it arrives, and what waits during a pause. */
    final class State implements StreamHandler, ResponseProgress {

        final Run t;
        final Http2Connection connection;
        final ResponseEvents events;
        Http2Stream stream;
        ByteBuffer inline;
        BodySink sink;
        int status;
        Headers headers = Headers.EMPTY;
        Headers trailers = Headers.EMPTY;
        long contentLength = -1;
        long bodySize;
        boolean anyByte;
        boolean remoteEnded;
        final ArrayDeque<ByteBuffer> held = new ArrayDeque<>(2);
        FetchException failure;
        boolean replay;
        long replayCode;
        String replayReason;
        boolean replayConnectionError;
        long headerBytesCounted;
        final long connectionId;

        State(Run t, Http2Connection connection, ResponseEvents events) {
            this.t = t;
            this.connectionId = t.conn.id();
            this.connection = connection;
            this.events = events;
        }

        void fail(FetchError error, String message, Throwable cause) {
            if (failure == null) {
                failure = new FetchException(error, message, cause);
            }
            connection.reset(stream, ErrorCode.CANCEL);
            wake();
        }

        private void wake() {
            if (t.multi == multi) {
                multi.runAgain(t);
                multi.http2().touch(t.conn);
            }
        }

        @Override
        public void onHeaders(Http2Stream s, List<Map.Entry<String, String>> fields, boolean endStream) throws Http2Exception {
            anyByte = true;
            t.bytesReceived += s.headerBytesReceived() - headerBytesCounted;
            headerBytesCounted = s.headerBytesReceived();
            long now = multi.now();
            t.lastReadNanos = now;
            if (!t.hopStarttransfer) {
                t.hopStarttransfer = true;
                t.starttransferNanos += now - t.hopStartNanos;
            }
            try {
                if (status != 0) {
                    trailers = Headers.of(fields);
                } else {
                    head(s, fields);
                }
            } catch (HttpException e) {
                fail(e.error(), e.getMessage(), e.getCause());
                return;
            }
            if (endStream) {
                remoteEnded = true;
            }
            wake();
        }

        private void head(Http2Stream s, List<Map.Entry<String, String>> fields) throws HttpException, Http2Exception {
            int code = Integer.parseInt(fields.get(0).getValue());
            Headers h = Headers.of(fields.subList(1, fields.size()));
            if (code < 200) {
                events.interim(code, "HTTP/2", h);
                return;
            }
            long length = contentLength(s, h);
            boolean noBody = t.hop.method().equals("HEAD") || code == 204 || code == 304;
            status = code;
            headers = h;
            contentLength = noBody ? 0 : length;
            sink = events.finalHead(code, "HTTP/2", h, contentLength);
        }

        private long contentLength(Http2Stream s, Headers h) throws Http2Exception {
            List<String> values = h.all("content-length");
            if (values.isEmpty()) {
                return -1;
            }
            long length = -1;
            for (String v : values) {
                long parsed;
                try {
                    parsed = v.isEmpty() || v.charAt(0) == '+' || v.charAt(0) == '-' ? -1 : Long.parseLong(v.trim());
                } catch (NumberFormatException e) {
                    parsed = -1;
                }
                if (parsed < 0 || (length >= 0 && parsed != length)) {
                    throw Http2Exception.stream(ErrorCode.PROTOCOL_ERROR, s.id(), "invalid content-length on stream " + s.id()
                            + ": " + Quote.text(v));
                }
                length = parsed;
            }
            return length;
        }

        @Override
        public void onData(Http2Stream s, ByteBuffer data, boolean endStream) throws Http2Exception {
            int n = data.remaining();
            anyByte = true;
            bodySize += n;
            t.bytesReceived += n;
            t.speedWindowBytes += n;
            t.lastReadNanos = multi.now();
            if (contentLength >= 0 && (bodySize > contentLength || endStream && bodySize != contentLength)) {
                throw Http2Exception.stream(ErrorCode.PROTOCOL_ERROR, s.id(), "DATA on stream " + s.id() + " disagrees with its content-length "
                        + contentLength + " (" + bodySize + " bytes" + (endStream ? " at END_STREAM)" : " so far)"));
            }
            if (n > 0 && failure == null) {
                if (t.paused || t.pauseRequested || !held.isEmpty() || sink.paused()) {
                    held.add(ByteBuffer.allocate(n).put(data).flip());
                } else {
                    try {
                        sink.write(data, n);
                    } catch (HttpException e) {
                        fail(e.error(), e.getMessage(), e.getCause());
                        return;
                    }
                    connection.consumed(s, n);
                }
            }
            if (endStream) {
                remoteEnded = true;
            }
            wake();
        }

        @Override
        public void onClosed(Http2Stream s, long errorCode, boolean unprocessed, boolean connectionError, String message) {
            if (failure == null && !replay) {
                boolean safeToRepeat = connectionError && !anyByte && t.reusedConnection && TransferRunner.idempotent(t.hop.method());
                if (unprocessed || errorCode == ErrorCode.HTTP_1_1_REQUIRED || safeToRepeat) {
                    replay = true;
                    replayCode = errorCode;
                    replayReason = message;
                    replayConnectionError = connectionError && !unprocessed;
                } else {
                    failure = new FetchException(connectionError ? FetchError.HTTP2 : FetchError.HTTP2_STREAM, message);
                }
            }
            wake();
        }

        @Override
        public void onStreamEnd(Http2Stream s, long errorCode) {
            runner.listen(t, l -> l.streamClosed(t.transfer, connectionId, s.id(), errorCode));
        }

        @Override
        public void onWritable(Http2Stream s) {
            wake();
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public String reason() {
            return "";
        }

        @Override
        public String version() {
            return "HTTP/2";
        }

        @Override
        public Headers headers() {
            return headers;
        }

        @Override
        public Headers trailers() {
            return trailers;
        }

        @Override
        public long bodySize() {
            return bodySize;
        }

        @Override
        public long contentLength() {
            return contentLength;
        }

        @Override
        public boolean receivedAny() {
            return anyByte;
        }

        @Override
        public boolean connectionReusable() {
            return true;
        }
    }

}
