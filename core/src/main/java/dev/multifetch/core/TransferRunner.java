package dev.multifetch.core;

import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.connection.Transport;
import dev.multifetch.core.http1.HttpException;
import dev.multifetch.core.http1.RequestWriter;
import dev.multifetch.core.http1.ResponseParser;
import dev.multifetch.core.http1.Target;
import dev.multifetch.core.timer.TimerQueue.Expiry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;

/**
 * The per-transfer state machine: one handler per state, each doing what it can without
 * blocking and saying whether to go on at once or wait for a socket or timer event. Every state
 * change goes through {@link #transition}. Driving thread only.
 *
 * <p>libcurl: {@code multi_runsingle()} and {@code mstate()} in {@code lib/multi.c}.
 */
final class TransferRunner {

    /** Reads per turn before yielding to other transfers; the selector reports the rest again. */
    private static final int READS_PER_TURN = 4;
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");

    private static final System.Logger LOG = System.getLogger(TransferRunner.class.getName());

    private final Multi multi;
    private final ConnectPhase connectPhase;
    private final TlsPhase tlsPhase;

    TransferRunner(Multi multi) {
        this.multi = multi;
        this.connectPhase = new ConnectPhase(multi, this);
        this.tlsPhase = new TlsPhase(multi, this);
    }

    /** Runs a transfer until it must wait for an event, or has finished. */
    void run(Transfer t) {
        try {
            if (!timedOut(t, multi.now())) {
                while (step(t)) {
                    if (t.listenerFailure != null && !t.state.isFinished() && t.failure == null) {
                        fail(t, FetchError.ABORTED_BY_CALLBACK, "a listener threw " + t.listenerFailure, t.listenerFailure);
                    }
                }
            }
        } catch (RuntimeException e) {
            if (t.state.isFinished()) {
                throw e;
            }
            fail(t, FetchError.RECV_ERROR, "internal error in state " + t.state + ": " + e, e);
            finish(t);
        }
    }

    private boolean step(Transfer t) {
        return switch (t.state) {
            case INIT -> init(t);
            case SETUP -> setup(t);
            case CONNECT -> connect(t);
            case PENDING, MSGSENT -> false;
            case RESOLVING -> connectPhase.resolving(t);
            case CONNECTING -> connectPhase.connecting(t);
            case PROTOCONNECT -> protoconnect(t);
            case DO -> doRequest(t);
            case DID -> did(t);
            case PERFORMING -> perform(t);
            case DONE -> done(t);
            case COMPLETED -> completed(t);
        };
    }

    /** The one place a transfer's state changes, with the enter and leave hooks. libcurl: mstate(). */
    void transition(Transfer t, TransferState to) {
        TransferState from = t.state;
        if (from == to) {
            return;
        }
        if (from == TransferState.PENDING) {
            long queued = multi.now() - t.pendingSinceNanos;
            t.queueNanos += queued;
            listen(t, l -> l.transferDequeued(t, queued));
        }
        t.state = to;
        switch (to) {
            case PENDING -> {
                t.pendingSinceNanos = multi.now();
                multi.enqueuePending(t);
                listen(t, l -> l.transferQueued(t));
            }
            case DONE -> multi.cancelExpiries(t);
            case MSGSENT -> t.totalNanos = multi.now() - t.startNanos;
            default -> { }
        }
    }

    // ---- state handlers ----

    private boolean init(Transfer t) {
        try {
            t.target = Target.parse(t.request().url());
        } catch (HttpException e) {
            return fail(t, e.error(), e.getMessage(), null);
        }
        transition(t, TransferState.SETUP);
        return true;
    }

    private boolean setup(Transfer t) {
        t.requestBytes = RequestWriter.encode(t.request(), t.target, multi.options().userAgent());
        transition(t, TransferState.CONNECT);
        return true;
    }

    private boolean connect(Transfer t) {
        if (t.conn == null && !t.slotHeld && !claim(t)) {
            transition(t, TransferState.PENDING);
            return false;
        }
        if (t.conn == null) {
            return connectPhase.start(t);
        }
        long picked = multi.now() - t.startNanos;
        t.namelookupNanos = picked;
        t.connectNanos = picked;
        if (t.target.origin().scheme().equals("https")) {
            t.appconnectNanos = picked;
        }
        multi.want(t.conn.channel(), t, PollAction.IN);
        long id = t.conn.id();
        listen(t, l -> l.connectionAcquired(t, id, true));
        transition(t, TransferState.DO);
        return true;
    }

    /**
     * Gives the transfer an idle connection to its origin, or a slot to open one, if the limits
     * allow. Called for a transfer in CONNECT, and for waiting ones when a slot frees.
     */
    boolean claim(Transfer t) {
        Connection idle = multi.pool().takeIdle(t.target.origin(), multi.now());
        if (idle != null) {
            idle.beginUse();
            t.conn = idle;
            t.reusedConnection = true;
            return true;
        }
        if (multi.pool().tryReserve(t.target.origin())) {
            t.slotHeld = true;
            return true;
        }
        return false;
    }

    private boolean protoconnect(Transfer t) {
        if (!t.target.origin().scheme().equals("https")) {
            multi.cancelExpire(t, Transfer.EXPIRE_CONNECT);
            transition(t, TransferState.DO);
            return true;
        }
        return tlsPhase.handshake(t);
    }

    private boolean doRequest(Transfer t) {
        if (t.pretransferNanos == 0) {
            t.pretransferNanos = multi.now() - t.startNanos;
        }
        Transport transport = t.conn.transport();
        try {
            int n = transport.write(t.requestBytes);
            t.bytesSent += n;
            t.speedWindowBytes += n;
            if (t.requestBytes.hasRemaining() || !transport.flush()) {
                multi.want(t.conn.channel(), t, PollAction.OUT);
                return false;
            }
        } catch (IOException e) {
            return staleRetry(t) || fail(t, FetchError.SEND_ERROR, "Failed sending the request: " + describe(e), e);
        }
        long sent = t.requestBytes.limit();
        listen(t, l -> l.requestSent(t, sent));
        transition(t, TransferState.DID);
        return true;
    }

    private boolean did(Transfer t) {
        long maxBody = t.request().maxBodySize() >= 0 ? t.request().maxBodySize() : multi.options().maxBodySize();
        t.parser = new ResponseParser(!t.request().method().equals("HEAD"), multi.options().maxHeaderBytes(), maxBody);
        multi.want(t.conn.channel(), t, PollAction.IN);
        t.lastReadNanos = multi.now();
        t.speedWindowStartNanos = 0;
        tooSlow(t, t.lastReadNanos);
        Duration readTimeout = readTimeout(t);
        if (readTimeout != null) {
            multi.expire(t, Transfer.EXPIRE_READ, t.lastReadNanos + readTimeout.toNanos());
        }
        transition(t, TransferState.PERFORMING);
        return true;
    }

    private boolean perform(Transfer t) {
        ByteBuffer buf = multi.readBuffer();
        Transport transport = t.conn.transport();
        for (int i = 0; i < READS_PER_TURN; i++) {
            int n;
            try {
                n = transport.read(buf.clear());
            } catch (IOException e) {
                return staleRetry(t) || fail(t, FetchError.RECV_ERROR,
                        "Failure when receiving data from the peer: " + describe(e), e);
            }
            if (n == 0) {
                return false;
            }
            if (n < 0) {
                return endOfInput(t);
            }
            long now = multi.now();
            if (t.starttransferNanos == 0) {
                t.starttransferNanos = now - t.startNanos;
            }
            t.lastReadNanos = now;
            t.bytesReceived += n;
            t.speedWindowBytes += n;
            boolean headBefore = t.parser.headComplete();
            try {
                boolean complete = t.parser.feed(buf.flip());
                if (!headBefore && t.parser.headComplete()) {
                    int status = t.parser.status();
                    listen(t, l -> l.responseHeaders(t, status));
                }
                if (complete) {
                    transition(t, TransferState.DONE);
                    return true;
                }
            } catch (HttpException e) {
                return fail(t, e.error(), e.getMessage(), null);
            }
        }
        if (transport.hasBufferedInput()) {
            // decrypted bytes wait here, not in the socket: the selector would never say so
            multi.runAgain(t);
        }
        return false;
    }

    private boolean endOfInput(Transfer t) {
        if (staleRetry(t)) {
            return true;
        }
        try {
            t.parser.endOfInput();
        } catch (HttpException e) {
            return fail(t, e.error(), e.getMessage(), null);
        }
        transition(t, TransferState.DONE);
        return true;
    }

    /**
     * A reused connection that failed before any response byte was probably closed by the
     * server while idle: run the request once more on a fresh connection, if it is safe to repeat.
     * libcurl: Curl_retry_request.
     */
    private boolean staleRetry(Transfer t) {
        boolean nothingReceived = t.parser == null || !t.parser.receivedAny();
        if (!t.reusedConnection || t.retried || !nothingReceived || !IDEMPOTENT.contains(t.request().method())) {
            return false;
        }
        t.retried = true;
        t.reusedConnection = false;
        multi.closeConnection(t.conn);
        t.conn = null;
        t.parser = null;
        t.requestBytes.rewind();
        t.pretransferNanos = 0;
        t.starttransferNanos = 0;
        transition(t, TransferState.CONNECT);
        return true;
    }

    private boolean done(Transfer t) {
        if (t.failure == null) {
            Connection c = t.conn;
            t.conn = null;
            ResponseParser p = t.parser;
            long bodyBytes = p.bodySize();
            listen(t, l -> l.responseBodyEnd(t, bodyBytes));
            boolean keep = p.connectionReusable();
            if (keep) {
                multi.releaseToPool(c);
            } else {
                multi.closeConnection(c);
            }
            listen(t, l -> l.connectionReleased(t, c.id(), keep));
            t.totalNanos = multi.now() - t.startNanos;
            t.response = new FetchResponse(p.status(), p.reason(), p.version(), p.headers(), p.body(),
                    t.target.url(), t.timings(), t.connects);
            t.parser = null;
        }
        t.requestBytes = null;
        transition(t, TransferState.COMPLETED);
        return true;
    }

    private boolean completed(Transfer t) {
        transition(t, TransferState.MSGSENT);
        multi.postMessage(t);
        FetchListener listener = multi.options().listener();
        try {
            if (t.response != null) {
                listener.transferDone(t, t.response);
            } else {
                listener.transferFailed(t, t.failure);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "FetchListener threw after " + t + " finished", e);
        }
        return false;
    }

    /** Tells the listener of an event; if it throws, the transfer is aborted at the next step. */
    void listen(Transfer t, java.util.function.Consumer<FetchListener> event) {
        try {
            event.accept(multi.options().listener());
        } catch (RuntimeException e) {
            if (t.listenerFailure == null) {
                t.listenerFailure = e;
            }
        }
    }

    // ---- failure, abort and stop ----

    /** Timeouts are checked first whenever a transfer runs; its deadlines are on the multi's timer. */
    private boolean timedOut(Transfer t, long now) {
        String why = timeoutReason(t, now);
        if (why == null) {
            return false;
        }
        fail(t, FetchError.OPERATION_TIMEDOUT, why, null);
        finish(t);
        return true;
    }

    /** Which timeout passed, in words, or null if none; re-arms the lazy read and speed checks. */
    private String timeoutReason(Transfer t, long now) {
        Expiry<Transfer> total = t.expiries[Transfer.EXPIRE_TIMEOUT];
        if (total != null && now - total.atNanos() >= 0) {
            return "Operation timed out after " + millis(now - t.startNanos) + " ms in state " + t.state + describeProgress(t);
        }
        Expiry<Transfer> connect = t.expiries[Transfer.EXPIRE_CONNECT];
        if (connect != null && now - connect.atNanos() >= 0 && (t.state == TransferState.RESOLVING
                || t.state == TransferState.CONNECTING || t.state == TransferState.PROTOCONNECT)) {
            String phase = t.state == TransferState.RESOLVING ? "Resolving host " + t.connectHost
                    : t.state == TransferState.CONNECTING ? "Connecting to " + t.connectHost + " port " + t.connectPort
                    : "TLS handshake with " + t.target.origin().host();
            return "Connection timed out: " + phase + " took more than " + millis(now - t.startNanos) + " ms";
        }
        if (t.state == TransferState.PERFORMING) {
            String read = readTimedOut(t, now);
            return read != null ? read : tooSlow(t, now);
        }
        return null;
    }

    /** The read timeout is checked lazily: a read only records its time; the timer re-arms itself. */
    private String readTimedOut(Transfer t, long now) {
        Duration readTimeout = readTimeout(t);
        Expiry<Transfer> read = t.expiries[Transfer.EXPIRE_READ];
        if (readTimeout == null || read == null || now - read.atNanos() < 0) {
            return null;
        }
        long silent = now - t.lastReadNanos;
        if (silent >= readTimeout.toNanos()) {
            return "Read timed out: no response bytes for " + millis(silent) + " ms (read timeout "
                    + readTimeout.toMillis() + " ms)" + describeProgress(t);
        }
        multi.expire(t, Transfer.EXPIRE_READ, t.lastReadNanos + readTimeout.toNanos());
        return null;
    }

    /** curl's speed check: the average over each period must reach the limit. libcurl: Curl_speedcheck. */
    private String tooSlow(Transfer t, long now) {
        long limit = t.request().lowSpeedLimit() >= 0 ? t.request().lowSpeedLimit() : multi.options().lowSpeedLimit();
        if (limit <= 0) {
            return null;
        }
        long period = (t.request().lowSpeedTime() != null ? t.request().lowSpeedTime() : multi.options().lowSpeedTime()).toNanos();
        if (t.speedWindowStartNanos == 0) {
            t.speedWindowStartNanos = now;
            t.speedWindowBytes = 0;
            multi.expire(t, Transfer.EXPIRE_SPEEDCHECK, now + period);
            return null;
        }
        long elapsed = now - t.speedWindowStartNanos;
        if (elapsed < period) {
            return null;
        }
        double rate = t.speedWindowBytes * 1e9 / elapsed;
        if (rate < limit) {
            return String.format(java.util.Locale.ROOT, "Operation too slow: %.0f bytes/s over the last %d ms, below the low-speed limit of %d bytes/s",
                    rate, millis(elapsed), limit);
        }
        t.speedWindowStartNanos = now;
        t.speedWindowBytes = 0;
        multi.expire(t, Transfer.EXPIRE_SPEEDCHECK, now + period);
        return null;
    }

    private Duration readTimeout(Transfer t) {
        return t.request().readTimeout() != null ? t.request().readTimeout() : multi.options().readTimeout();
    }

    private String describeProgress(Transfer t) {
        return t.parser == null ? "" : " with " + t.parser.bodySize() + " body bytes received";
    }

    /**
     * Ends a transfer with an error: its connection is closed (never cached), its slot freed, its
     * place in the queue given up. The transfer moves to DONE; running it on posts the message.
     */
    boolean fail(Transfer t, FetchError error, String message, Throwable cause) {
        if (t.failure == null) {
            t.failure = new FetchException(error, message, cause);
        }
        releaseResources(t);
        transition(t, TransferState.DONE);
        return true;
    }

    /** Aborts a running transfer and posts its DONE message with ABORTED_BY_CALLBACK. */
    void abort(Transfer t, String message, Throwable cause) {
        fail(t, FetchError.ABORTED_BY_CALLBACK, message, cause);
        finish(t);
    }

    /** Stops a running transfer that is being removed: resources freed, no message. */
    void stop(Transfer t) {
        if (t.failure == null && t.state != TransferState.COMPLETED) {
            t.failure = new FetchException(FetchError.ABORTED_BY_CALLBACK,
                    "removed from the multi handle in state " + t.state);
        }
        releaseResources(t);
        t.requestBytes = null;
        t.parser = null;
        t.totalNanos = multi.now() - t.startNanos;
        transition(t, TransferState.COMPLETED);
    }

    private void finish(Transfer t) {
        while (step(t)) {
            // DONE and COMPLETED need no events
        }
    }

    private void releaseResources(Transfer t) {
        if (t.state == TransferState.PENDING) {
            multi.dropPending(t);
        }
        if (t.state == TransferState.RESOLVING) {
            t.resolveToken++;
        }
        connectPhase.abandon(t);
        if (t.conn != null) {
            long id = t.conn.id();
            multi.closeConnection(t.conn);
            listen(t, l -> l.connectionReleased(t, id, false));
            t.conn = null;
        }
        if (t.slotHeld) {
            t.slotHeld = false;
            multi.pool().unreserve(t.target.origin());
            multi.slotFreed();
        }
    }

    // ---- helpers ----

    static String describe(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
