package dev.multifetch.core.multi;

import dev.multifetch.core.FetchListener;
import dev.multifetch.core.HttpVersion;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.PollAction;
import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.connection.ConnectionPool;
import dev.multifetch.core.connection.Origin;
import dev.multifetch.core.http2.ErrorCode;
import dev.multifetch.core.http2.Http2Connection;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The multi handle's HTTP/2 connections: starting one on a fresh socket, reading it when its
 * socket is ready (for whichever streams the frames belong to), writing what its streams queued
 * once per pass, and settling it afterwards: its socket interest, a place in the idle list when
 * its last stream ends, its close when it failed or drains after GOAWAY, and a wake-up for the
 * transfers of its origin whenever its capacity changed. Driving thread only.
 *
 * <p>libcurl: {@code Curl_multi_connchanged}, {@code multi_schedule_pending}.
 */
final class Http2Connections {

    private final MultiHandle multi;
    private final ConnectionPool pool;
    private final ArrayDeque<Connection> touched = new ArrayDeque<>();
    private final Set<Origin> http11Only = new HashSet<>();
    private final boolean[] more = new boolean[1];
    /** Connections with a PING outstanding, in the order sent: their deadlines come in that order too. */
    private final ArrayDeque<Connection> pinged = new ArrayDeque<>();

    Http2Connections(MultiHandle multi, ConnectionPool pool) {
        this.multi = multi;
        this.pool = pool;
    }

    /** Makes {@code c} (connected, TLS done if any) an HTTP/2 connection and announces it. */
    Http2Connection start(Connection c) {
        MultiOptions options = multi.options();
        Http2Connection h2 = new Http2Connection(c.transport(),
                Http2Connection.Limits.defaults(options.maxConcurrentStreams(), options.maxHeaderBytes()), new Events(c));
        c.http2(h2);
        h2.start();
        pool.addMultiplexed(c);
        long id = c.id();
        listen(l -> l.http2ConnectionOpened(id));
        touch(c);
        return h2;
    }

    /** The socket of {@code c} is ready: read its frames; the streams they concern are woken. */
    void service(Connection c) {
        Http2Connection h2 = c.http2();
        if (!h2.isClosed()) {
            h2.onReadable(multi.readBuffer(), more);
            if (more[0] || (!h2.isClosed() && c.transport().hasBufferedInput())) {
                multi.serviceAgain(c);
            }
        }
        touch(c);
    }

    /** {@code c} has frames to write or changed: it is settled at the end of this pass. */
    void touch(Connection c) {
        if (c != null && !c.touched()) {
            c.touched(true);
            touched.add(c);
        }
    }

    /** {@code c} sent a PING ahead of new work; its answer is awaited until the PING's deadline. */
    void pinged(Connection c) {
        if (!pinged.contains(c)) {
            pinged.add(c);
        }
        touch(c);
    }

    /** When the first outstanding PING is overdue, or 0 when none is outstanding. */
    long nextPingDeadline() {
        while (!pinged.isEmpty() && (pinged.peek().isClosed() || pinged.peek().http2().pingDeadline() == 0)) {
            pinged.poll();
        }
        return pinged.isEmpty() ? 0 : pinged.peek().http2().pingDeadline();
    }

    /** Takes every connection whose PING went unanswered past its deadline for lost. */
    void expirePings(long nowNanos) {
        for (long at; (at = nextPingDeadline()) != 0 && nowNanos - at >= 0; ) {
            Connection c = pinged.poll();
            c.http2().pingOverdue();
            touch(c);
        }
    }

    /** Whether any connection waits to be settled. */
    boolean pending() {
        return !touched.isEmpty();
    }

    /** Writes, re-announces, idles or closes every touched connection. */
    void settle() {
        for (Connection c; (c = touched.poll()) != null; ) {
            c.touched(false);
            if (c.isClosed()) {
                continue;
            }
            Http2Connection h2 = c.http2();
            if (c.awaitingSettings() && (h2.settingsReceived() || h2.isClosed())) {
                settingsKnown(c);
            }
            boolean drained;
            try {
                drained = h2.flush();
            } catch (IOException e) {
                h2.fail(ErrorCode.INTERNAL_ERROR, "writing failed: " + TransferRunner.describe(e));
                drained = true;
            }
            if (h2.isClosed() || (h2.isDraining() && h2.load() == 0)) {
                close(c);
                continue;
            }
            multi.watch(c, drained ? PollAction.IN : PollAction.INOUT);
            if (h2.load() == 0 && !pool.isIdle(c)) {
                pool.releaseMultiplexed(c, multi.now());
            }
            if (h2.isDraining()) {
                pool.removeMultiplexed(c);
            }
            multi.slotFreed(c.origin());
        }
    }

    /** The transfers waiting for this connection (PIPEWAIT) learn how many streams it takes. */
    private void settingsKnown(Connection c) {
        c.awaitingSettings(false);
        pool.multiplexSetupEnded(c.origin());
        multi.slotFreed(c.origin());
    }

    private void close(Connection c) {
        pool.removeIdle(c);
        multi.closeConnection(c);
    }

    /**
     * Called as the multi handle closes {@code c}: a polite GOAWAY if it can still go out.
     * Returns whether the connection ended with an error of its own, so its close should linger.
     */
    boolean closing(Connection c) {
        Http2Connection h2 = c.http2();
        if (c.awaitingSettings()) {
            settingsKnown(c);
        }
        pool.removeMultiplexed(c);
        h2.close();
        try {
            h2.flush();
        } catch (IOException ignored) {
            // the socket closes next either way
        }
        long id = c.id();
        listen(l -> l.http2ConnectionClosed(id));
        return h2.failure() != null;
    }

    /** The server wants HTTP/1.1 for this origin (HTTP_1_1_REQUIRED): later transfers do not try h2 there. */
    void requireHttp11(Origin origin) {
        http11Only.add(origin);
    }

    /** Whether {@code t} should try HTTP/2 on a connection to its origin, and how. */
    HttpVersion versionFor(Run t) {
        HttpVersion asked = t.request().httpVersion() != null ? t.request().httpVersion() : multi.options().httpVersion();
        if (t.forceHttp11 || http11Only.contains(t.origin)) {
            return HttpVersion.HTTP_1_1;
        }
        if (asked == HttpVersion.HTTP_2 && !t.target.origin().scheme().equals("https")) {
            return HttpVersion.HTTP_1_1;
        }
        return asked;
    }

    private void listen(java.util.function.Consumer<FetchListener> event) {
        try {
            event.accept(multi.options().listener());
        } catch (RuntimeException e) {
            System.getLogger(Http2Connections.class.getName()).log(System.Logger.Level.WARNING, "FetchListener threw", e);
        }
    }

    /** One connection's events: every change is settled at the end of the pass. */
    private final class Events implements Http2Connection.Events {

        private final Connection c;

        Events(Connection c) {
            this.c = c;
        }

        @Override
        public void capacityChanged(Http2Connection connection) {
            touch(c);
        }

        @Override
        public void goaway(Http2Connection connection, long errorCode, int lastStreamId, String debug) {
            long id = c.id();
            listen(l -> l.goawayReceived(id, errorCode, lastStreamId));
            touch(c);
        }
    }
}
