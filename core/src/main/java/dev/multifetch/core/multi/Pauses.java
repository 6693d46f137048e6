package dev.multifetch.core.multi;

import dev.multifetch.core.PollAction;
import dev.multifetch.core.TransferControl;
import dev.multifetch.core.connection.Mailbox;

/**
 * Transfers whose body consumer asked for a pause: their socket (HTTP/1.1) stops being read, or
 * their stream's window stays closed (HTTP/2), until the consumer calls {@code resume()} from
 * any thread, which reaches the driving thread through the resolver's mailbox. The pause does
 * not count against the read and low-speed timeouts. Driving thread only, but for the control.
 *
 * <p>libcurl: {@code curl_easy_pause}, {@code CURLPAUSE_RECV}.
 */
final class Pauses {

    private final MultiHandle multi;
    private final Mailbox mailbox;
    private final SocketRegistry sockets;
    private int paused;

    Pauses(MultiHandle multi, Mailbox mailbox, SocketRegistry sockets) {
        this.multi = multi;
        this.mailbox = mailbox;
        this.sockets = sockets;
    }

    /** Transfers paused now. */
    int count() {
        return paused;
    }

    TransferControl newControl(Run t) {
        mailbox.channel();
        return () -> mailbox.post(() -> resume(t));
    }

    void pause(Run t) {
        t.paused = true;
        paused++;
        sockets.want(mailbox.channel(), null, mailbox, PollAction.IN);
        if (t.conn.http2() == null) {
            sockets.want(t.conn.channel(), t.transfer, t, PollAction.NONE);
        }
    }

    void unpaused(Run t) {
        t.paused = false;
        paused--;
    }

    private void resume(Run t) {
        if (t.multi == multi && t.paused) {
            unpaused(t);
            long now = multi.now();
            t.lastReadNanos = now;
            t.speedWindowStartNanos = now;
            t.speedWindowBytes = 0;
            if (t.conn.http2() == null) {
                sockets.want(t.conn.channel(), t.transfer, t, PollAction.IN);
            }
            multi.runAgain(t);
        }
    }
}
