package dev.multifetch.core;

import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.http1.HttpException;
import dev.multifetch.core.http1.RequestWriter;
import dev.multifetch.core.http1.ResponseParser;
import dev.multifetch.core.http1.Target;
import dev.multifetch.core.timer.TimerQueue.Expiry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
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

    private final Multi multi;

    TransferRunner(Multi multi) {
        this.multi = multi;
    }

    /** Runs a transfer until it must wait for an event, or has finished. */
    void run(Transfer t) {
        try {
            if (!timedOut(t, multi.now())) {
                while (step(t)) {
                    // each handler returns true while it can make progress without waiting
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
            case RESOLVING -> resolving(t);
            case CONNECTING -> connecting(t);
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
            t.queueNanos += multi.now() - t.pendingSinceNanos;
        }
        t.state = to;
        switch (to) {
            case PENDING -> {
                t.pendingSinceNanos = multi.now();
                multi.enqueuePending(t);
            }
            case PROTOCONNECT, DONE -> multi.cancelExpire(t, Transfer.EXPIRE_CONNECT);
            case MSGSENT -> {
                multi.cancelExpire(t, Transfer.EXPIRE_TIMEOUT);
                t.totalNanos = multi.now() - t.startNanos;
            }
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
        if (t.conn != null) {
            long picked = multi.now() - t.startNanos;
            t.namelookupNanos = picked;
            t.connectNanos = picked;
            multi.want(t.conn.channel(), t, PollAction.IN);
            transition(t, TransferState.DO);
            return true;
        }
        Duration connectTimeout = t.request().connectTimeout() != null
                ? t.request().connectTimeout() : multi.options().connectTimeout();
        multi.expire(t, Transfer.EXPIRE_CONNECT, multi.now() + connectTimeout.toNanos());
        InetAddress literal = literalAddress(t.target.origin().host());
        if (literal != null) {
            t.addresses = new InetAddress[] {literal};
            t.namelookupNanos = multi.now() - t.startNanos;
            transition(t, TransferState.CONNECTING);
            return true;
        }
        t.addresses = null;
        t.resolveError = null;
        t.resolveToken++;
        transition(t, TransferState.RESOLVING);
        multi.startResolve(t, t.target.origin().host());
        return false;
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

    private boolean resolving(Transfer t) {
        if (t.addresses == null && t.resolveError == null) {
            return false;
        }
        if (t.addresses == null || t.addresses.length == 0) {
            String why = t.resolveError instanceof UnknownHostException ? "" : " (" + t.resolveError + ")";
            return fail(t, FetchError.COULDNT_RESOLVE_HOST, "Could not resolve host: " + t.target.origin().host() + why,
                    t.resolveError);
        }
        t.namelookupNanos = multi.now() - t.startNanos;
        transition(t, TransferState.CONNECTING);
        return true;
    }

    private boolean connecting(Transfer t) {
        if (t.conn == null) {
            return openNextAddress(t);
        }
        SocketChannel channel = t.conn.channel();
        try {
            if (!channel.finishConnect()) {
                multi.want(channel, t, PollAction.OUT);
                return false;
            }
        } catch (IOException e) {
            return connectAttemptFailed(t, e);
        }
        t.slotHeld = false;
        t.conn.beginUse();
        t.connects++;
        t.connectNanos = multi.now() - t.startNanos;
        transition(t, TransferState.PROTOCONNECT);
        return true;
    }

    private boolean openNextAddress(Transfer t) {
        if (t.addressIndex >= t.addresses.length) {
            return fail(t, FetchError.COULDNT_CONNECT, "Failed to connect to " + t.target.origin().host() + " port "
                    + t.target.origin().port() + ": " + t.connectFailures, null);
        }
        InetSocketAddress address = new InetSocketAddress(t.addresses[t.addressIndex++], t.target.origin().port());
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            t.conn = new Connection(t.target.origin(), channel, multi.now());
            channel.connect(address);
            return true;
        } catch (IOException | RuntimeException e) {
            if (t.conn == null && channel != null) {
                closeQuietly(channel);
            }
            return connectAttemptFailed(t, e);
        }
    }

    private boolean connectAttemptFailed(Transfer t, Exception e) {
        int index = t.addressIndex - 1;
        String attempt = t.addresses[index].getHostAddress() + ": " + describe(e);
        t.connectFailures = t.connectFailures == null ? attempt : t.connectFailures + "; " + attempt;
        if (t.conn != null) {
            multi.closeChannel(t.conn);
            t.conn = null;
        }
        return true;
    }

    private boolean protoconnect(Transfer t) {
        transition(t, TransferState.DO);
        return true;
    }

    private boolean doRequest(Transfer t) {
        if (t.pretransferNanos == 0) {
            t.pretransferNanos = multi.now() - t.startNanos;
        }
        SocketChannel channel = t.conn.channel();
        try {
            channel.write(t.requestBytes);
        } catch (IOException e) {
            return staleRetry(t) || fail(t, FetchError.SEND_ERROR, "Failed sending the request: " + describe(e), e);
        }
        if (t.requestBytes.hasRemaining()) {
            multi.want(channel, t, PollAction.OUT);
            return false;
        }
        transition(t, TransferState.DID);
        return true;
    }

    private boolean did(Transfer t) {
        long maxBody = t.request().maxBodySize() >= 0 ? t.request().maxBodySize() : multi.options().maxBodySize();
        t.parser = new ResponseParser(!t.request().method().equals("HEAD"), multi.options().maxHeaderBytes(), maxBody);
        multi.want(t.conn.channel(), t, PollAction.IN);
        transition(t, TransferState.PERFORMING);
        return true;
    }

    private boolean perform(Transfer t) {
        ByteBuffer buf = multi.readBuffer();
        for (int i = 0; i < READS_PER_TURN; i++) {
            int n;
            try {
                n = t.conn.channel().read(buf.clear());
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
            if (t.starttransferNanos == 0) {
                t.starttransferNanos = multi.now() - t.startNanos;
            }
            try {
                if (t.parser.feed(buf.flip())) {
                    transition(t, TransferState.DONE);
                    return true;
                }
            } catch (HttpException e) {
                return fail(t, e.error(), e.getMessage(), null);
            }
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
            if (t.parser.connectionReusable()) {
                multi.releaseToPool(c);
            } else {
                multi.closeConnection(c);
            }
            t.totalNanos = multi.now() - t.startNanos;
            ResponseParser p = t.parser;
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
        return false;
    }

    // ---- failure, abort and stop ----

    /** Timeouts are checked first whenever a transfer runs; its deadlines are on the multi's timer. */
    private boolean timedOut(Transfer t, long now) {
        Expiry<Transfer> total = t.expiries[Transfer.EXPIRE_TIMEOUT];
        if (total != null && now - total.atNanos() >= 0) {
            fail(t, FetchError.OPERATION_TIMEDOUT, "Operation timed out after " + millis(now - t.startNanos)
                    + " ms in state " + t.state + describeProgress(t), null);
            finish(t);
            return true;
        }
        Expiry<Transfer> connect = t.expiries[Transfer.EXPIRE_CONNECT];
        if (connect != null && now - connect.atNanos() >= 0
                && (t.state == TransferState.RESOLVING || t.state == TransferState.CONNECTING)) {
            String phase = t.state == TransferState.RESOLVING ? "Resolving host " + t.target.origin().host()
                    : "Connecting to " + t.target.origin();
            fail(t, FetchError.OPERATION_TIMEDOUT, phase + " timed out after " + millis(now - t.startNanos) + " ms", null);
            finish(t);
            return true;
        }
        return false;
    }

    private String describeProgress(Transfer t) {
        return t.parser == null ? "" : " with " + t.parser.bodySize() + " body bytes received";
    }

    /**
     * Ends a transfer with an error: its connection is closed (never cached), its slot freed, its
     * place in the queue given up. The transfer moves to DONE; running it on posts the message.
     */
    private boolean fail(Transfer t, FetchError error, String message, Throwable cause) {
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
        if (t.conn != null) {
            if (t.slotHeld) {
                multi.closeChannel(t.conn);
            } else {
                multi.closeConnection(t.conn);
            }
            t.conn = null;
        }
        if (t.slotHeld) {
            t.slotHeld = false;
            multi.pool().unreserve(t.target.origin());
            multi.slotFreed();
        }
    }

    // ---- helpers ----

    /** The address of an IP literal, found without any lookup; null for a name. */
    static InetAddress literalAddress(String host) {
        try {
            if (host.indexOf(':') >= 0) {
                return InetAddress.getByName(host);
            }
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                    return null;
                }
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return null;
                }
                bytes[i] = (byte) octet;
            }
            return InetAddress.getByAddress(host, bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // never connected: nothing to flush or report
        }
    }
}
