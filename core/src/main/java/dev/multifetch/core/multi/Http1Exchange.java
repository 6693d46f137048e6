package dev.multifetch.core.multi;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.PollAction;
import dev.multifetch.core.TransferState;
import dev.multifetch.core.ProgressListener;
import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.connection.Transport;
import dev.multifetch.core.http1.HttpException;
import dev.multifetch.core.http1.RequestWriter;
import dev.multifetch.core.http1.ResponseParser;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * DO, DID and PERFORMING: send the request (head, then a held, streamed or chunked body), read
 * the response as it arrives, honour {@code Expect: 100-continue}, pause and resume for a slow
 * body consumer, and report progress. A reused connection that fails before any response byte
 * is retried once on a fresh one for idempotent methods. Driving thread only.
 *
 * <p>libcurl: {@code multi_runsingle()} DO..PERFORMING, {@code Curl_retry_request()}.
 */
final class Http1Exchange implements Exchange {

    /** Reads per turn before yielding to other transfers; the selector reports the rest again. */
    private static final int READS_PER_TURN = 4;
    private static final long EXPECT_100_NANOS = 1_000_000_000L;

    private final MultiHandle multi;
    private final TransferRunner runner;
    private final UploadPhase upload;
    private final RequestWriter.Scratch scratch = new RequestWriter.Scratch();

    Http1Exchange(MultiHandle multi, TransferRunner runner) {
        this.multi = multi;
        this.runner = runner;
        this.upload = new UploadPhase(multi);
    }

    @Override
    public dev.multifetch.core.exchange.ResponseProgress progress(Run t) {
        return t.parser;
    }

    /**
     * The connection goes back to the cache, or is closed: either side's "Connection: close",
     * a body not read to its end or not sent whole, ends it (RFC 9112 section 9.6).
     */
    @Override
    public void release(Run t, boolean reusable) {
        Connection c = t.conn;
        t.conn = null;
        t.remoteAddress = c.remote();
        t.localAddress = c.local();
        boolean keep = reusable && !t.bodyAbandoned && (t.upload == null || t.upload.complete())
                && !t.hop.headers().hasToken("Connection", "close");
        UploadPhase.close(t.upload);
        if (keep) {
            multi.releaseToPool(c);
        } else {
            multi.closeConnection(c);
        }
        runner.listen(t, l -> l.connectionReleased(t.transfer, c.id(), keep));
    }

    @Override
    public void abandon(Run t) {
        long id = t.conn.id();
        multi.closeConnection(t.conn);
        runner.listen(t, l -> l.connectionReleased(t.transfer, id, false));
        t.conn = null;
    }

    /** Encodes the head (and an in-memory body unless it waits for 100 Continue). */
    void prepare(Run t) {
        FetchRequest hop = t.hop;
        boolean holdBody = hop.expectContinue() && !t.expectRetried && hop.body() != null && hop.body().length() != 0;
        boolean forwarded = t.route != null && t.route.forwards();
        t.requestBytes = RequestWriter.encode(hop, t.target, multi.options().userAgent(), holdBody, scratch, forwarded,
                ProxyPhase.forwardedAuthorization(t));
        t.upload = RequestWriter.bodyFollows(hop, holdBody) ? new UploadPhase.Upload(hop.body()) : null;
        t.bodyHeld = holdBody;
    }

    /** DO: writes the head, then the body unless it is held for 100 Continue. */
    @Override
    public boolean send(Run t) {
        if (t.requestBytes == null) {
            prepare(t);
        }
        runner.pretransfer(t);
        Transport transport = t.conn.transport();
        try {
            if (t.requestBytes.hasRemaining()) {
                int n = transport.write(t.requestBytes);
                t.bytesSent += n;
                t.speedWindowBytes += n;
            }
            if (t.requestBytes.hasRemaining() || !transport.flush()) {
                multi.want(t.conn.channel(), t, PollAction.OUT);
                return false;
            }
            if (t.upload != null && !t.bodyHeld && !upload.pump(t, t.upload, false)) {
                return aborted(t);
            }
        } catch (IOException e) {
            return staleRetry(t) || sendFailed(t, e);
        }
        long sent = t.bytesSent;
        runner.listen(t, l -> l.requestSent(t.transfer, sent));
        runner.transition(t, TransferState.DID);
        aborted(t);
        return true;
    }

    /** DID: the response parser is set up and reading starts. */
    @Override
    public boolean startReading(Run t) {
        long maxBody = runner.maxBody(t);
        t.parser = new ResponseParser(!t.hop.method().equals("HEAD"), multi.options().maxHeaderBytes(),
                new ResponseEvents(t, runner, maxBody));
        multi.want(t.conn.channel(), t, PollAction.IN);
        long now = runner.deadlines().startReadClocks(t);
        if (t.bodyHeld) {
            multi.expire(t, Run.EXPIRE_EXPECT, now + EXPECT_100_NANOS);
        }
        runner.transition(t, TransferState.PERFORMING);
        return true;
    }

    /** PERFORMING: sends what is left of the body, reads what arrived, stops at a pause or the end. */
    @Override
    public boolean perform(Run t) {
        if (t.paused) {
            return false;
        }
        if (t.parser != null && !resumeHeldBody(t)) {
            return t.state != TransferState.PERFORMING || aborted(t);
        }
        releaseHeldBody(t);
        if (sendingBody(t) && !sendWhileReading(t)) {
            return true;
        }
        ByteBuffer buf = multi.readBuffer();
        Transport transport = t.conn.transport();
        for (int i = 0; i < READS_PER_TURN; i++) {
            int n;
            try {
                n = transport.read(buf.clear());
            } catch (IOException e) {
                return staleRetry(t) || runner.fail(t, FetchError.RECV_ERROR,
                        "Failure when receiving data from the peer: " + TransferRunner.describe(e), e);
            }
            if (n == 0) {
                return aborted(t);
            }
            if (n < 0) {
                return endOfInput(t);
            }
            if (!consume(t, buf.flip(), n)) {
                return true;
            }
            keepUnread(t, buf);
            if (t.state != TransferState.PERFORMING) {
                aborted(t);
                return true;
            }
            if (sendingBody(t) && !sendWhileReading(t)) {
                // a 100 Continue just released the body
                return true;
            }
            if (t.pauseRequested || t.parser.paused()) {
                pause(t);
                return aborted(t);
            }
        }
        if (transport.hasBufferedInput()) {
            // decrypted bytes wait here, not in the socket: the selector would never say so
            multi.runAgain(t);
        }
        return aborted(t);
    }

    /**
     * Hands on, after a resume, what the pause held back: decoded bytes, the end of the body,
     * then the unread rest of the last read. False while the consumer is (again) paused or the
     * exchange moved on (done or failed).
     */
    private boolean resumeHeldBody(Run t) {
        try {
            if (!t.parser.resumeBody() && t.parser.paused()) {
                pause(t);
                return false;
            }
            if (t.parser.complete()) {
                runner.transition(t, TransferState.DONE);
                return false;
            }
            if (t.pendingInput != null) {
                ByteBuffer pending = t.pendingInput;
                t.pendingInput = null;
                if (t.parser.feed(pending)) {
                    runner.transition(t, TransferState.DONE);
                    return false;
                }
                keepUnread(t, pending);
                if (t.pendingInput != null) {
                    pause(t);
                    return false;
                }
            }
            return true;
        } catch (HttpException e) {
            runner.fail(t, e.error(), e.getMessage(), e.getCause());
            return false;
        }
    }

    /** A paused parser leaves part of a read unread: keep it (at most one read) until the resume. */
    private static void keepUnread(Run t, ByteBuffer data) {
        if (data.hasRemaining()) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            t.pendingInput = copy.put(data).flip();
        }
    }

    /** Feeds one read to the parser; false if the transfer failed. */
    private boolean consume(Run t, ByteBuffer data, int n) {
        long now = multi.now();
        if (!t.hopStarttransfer) {
            t.hopStarttransfer = true;
            t.starttransferNanos += now - t.hopStartNanos;
        }
        t.lastReadNanos = now;
        t.bytesReceived += n;
        t.speedWindowBytes += n;
        try {
            if (t.parser.feed(data)) {
                runner.transition(t, TransferState.DONE);
            }
            return true;
        } catch (HttpException e) {
            runner.fail(t, e.error(), e.getMessage(), e.getCause());
            return false;
        }
    }

    /** Pushes the body on while the response is read; false if that failed the transfer. */
    private boolean sendWhileReading(Run t) {
        try {
            if (upload.pump(t, t.upload, true)) {
                multi.want(t.conn.channel(), t, PollAction.IN);
            }
            return true;
        } catch (IOException e) {
            sendFailed(t, e);
            return false;
        }
    }

    private boolean sendingBody(Run t) {
        return t.upload != null && !t.bodyHeld && !t.bodyAbandoned && !t.upload.complete();
    }

    /** A body held for 100 Continue goes out once the server agreed, or its second is up. */
    private void releaseHeldBody(Run t) {
        var wait = t.expiries[Run.EXPIRE_EXPECT];
        if (t.bodyHeld && wait != null && multi.now() - wait.atNanos() >= 0) {
            t.bodyHeld = false;
        }
        if (!t.bodyHeld) {
            multi.cancelExpire(t, Run.EXPIRE_EXPECT);
        }
    }

    private void pause(Run t) {
        t.pauseRequested = false;
        multi.pause(t);
    }

    private boolean endOfInput(Run t) {
        if (staleRetry(t)) {
            return true;
        }
        try {
            t.parser.endOfInput();
        } catch (HttpException e) {
            return runner.fail(t, e.error(), e.getMessage(), e.getCause());
        }
        runner.transition(t, TransferState.DONE);
        return true;
    }

    private boolean sendFailed(Run t, IOException e) {
        boolean source = e instanceof UploadPhase.BodySourceException;
        return runner.fail(t, source ? FetchError.READ_ERROR : FetchError.SEND_ERROR,
                (source ? "" : "Failed sending the request: ") + TransferRunner.describe(e), e);
    }

    /** Tells the progress listener; true if it stopped the transfer (which then moved to DONE). */
    private boolean aborted(Run t) {
        ProgressListener listener = t.hop.progressListener();
        if (listener == null || t.state.isFinished() || t.failure != null) {
            return false;
        }
        long downloadTotal = t.parser == null ? -1 : t.parser.contentLength();
        long downloaded = t.parser == null ? 0 : t.parser.bodySize();
        long uploadTotal = t.hop.body() == null ? 0 : t.hop.body().length();
        long uploaded = t.upload == null ? (t.hop.body() == null ? 0 : t.hop.body().length()) : t.upload.payloadSent;
        try {
            if (listener.onProgress(downloadTotal, downloaded, uploadTotal, uploaded)) {
                return false;
            }
            return runner.fail(t, FetchError.ABORTED_BY_CALLBACK, "aborted by the progress listener", null);
        } catch (Exception | LinkageError | AssertionError e) {
            return runner.fail(t, FetchError.ABORTED_BY_CALLBACK, "the progress listener threw " + e, e);
        }
    }

    /**
     * A reused connection that failed before any response byte was probably closed by the
     * server while idle: run the request once more on a fresh connection, if it is safe to repeat.
     */
    private boolean staleRetry(Run t) {
        boolean nothingReceived = t.parser == null || !t.parser.receivedAny();
        if (!t.reusedConnection || t.retried || !nothingReceived || !TransferRunner.idempotent(t.hop.method())) {
            return false;
        }
        t.retried = true;
        t.reusedConnection = false;
        multi.pool().closesSilently(t.conn.origin());
        multi.closeConnection(t.conn);
        t.conn = null;
        t.parser = null;
        UploadPhase.close(t.upload);
        prepare(t);
        t.hopPretransfer = false;
        t.hopStarttransfer = false;
        runner.transition(t, TransferState.CONNECT);
        return true;
    }
}
