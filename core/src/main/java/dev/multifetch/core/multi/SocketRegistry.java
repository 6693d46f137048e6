package dev.multifetch.core.multi;

import dev.multifetch.core.PollAction;
import dev.multifetch.core.Transfer;
import java.nio.channels.SelectableChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * Every socket the multi handle has announced, with the interest last announced and the
 * application's socketp. It diffs each wanted interest against the announced one, so the socket
 * callback fires only on a change, and REMOVE only for a socket that was announced.
 * Confined to the driving thread.
 *
 * <p>libcurl: the socket hash of {@code lib/multi_ev.c}.
 */
public final class SocketRegistry {

    /** Receives the announcements; the multi handle forwards them to the socket callback. */
    @FunctionalInterface
    public interface Announcer {
        void announce(Transfer transfer, SelectableChannel socket, PollAction what, Object socketp);
    }

    /** What is known of one announced socket. */
    public static final class Entry {
        private PollAction announced;
        private Object socketp;
        private Transfer transfer;
        private Object owner;

        /** The transfer now using the socket, or null when the multi handle owns it. */
        public Transfer transfer() {
            return transfer;
        }

        /** The object that handles events on the socket: a transfer, an idle connection, the resolver. */
        public Object owner() {
            return owner;
        }

        /** The interest last announced. */
        public PollAction announced() {
            return announced;
        }
    }

    private final Map<SelectableChannel, Entry> entries = new HashMap<>();
    /**
     * The socket last looked up and its entry: one step of a transfer asks about the same socket
     * several times (ready, then wanting IN, then released to the cache), and with thousands of
     * sockets each map lookup is a walk through memory the cache no longer holds.
     */
    private SelectableChannel lastSocket;
    private Entry lastEntry;
    private final Announcer announcer;

    public SocketRegistry(Announcer announcer) {
        this.announcer = announcer;
    }

    /**
     * Records that {@code owner} (for {@code transfer}, or null) wants {@code what} on the socket;
     * announces it only if it differs from what was last announced. {@link PollAction#REMOVE}
     * forgets the socket.
     */
    public void want(SelectableChannel socket, Transfer transfer, Object owner, PollAction what) {
        if (what == PollAction.REMOVE) {
            remove(socket);
            return;
        }
        Entry e = find(socket);
        if (e == null) {
            e = new Entry();
            entries.put(socket, e);
            lastSocket = socket;
            lastEntry = e;
        }
        e.transfer = transfer;
        e.owner = owner;
        if (e.announced != what) {
            e.announced = what;
            announcer.announce(transfer, socket, what, e.socketp);
        }
    }

    /** Announces REMOVE if the socket was announced, and forgets it. Call before closing it. */
    public void remove(SelectableChannel socket) {
        Entry e = entries.remove(socket);
        if (socket == lastSocket) {
            lastSocket = null;
            lastEntry = null;
        }
        if (e != null) {
            announcer.announce(e.transfer, socket, PollAction.REMOVE, e.socketp);
        }
    }

    /** The entry for {@code socket}, or null for a socket not announced (a stray event). */
    public Entry get(SelectableChannel socket) {
        return find(socket);
    }

    private Entry find(SelectableChannel socket) {
        if (socket == lastSocket) {
            return lastEntry;
        }
        Entry e = entries.get(socket);
        if (e != null) {
            lastSocket = socket;
            lastEntry = e;
        }
        return e;
    }

    /** Attaches {@code socketp}; false when the socket is not known. libcurl: curl_multi_assign. */
    public boolean assign(SelectableChannel socket, Object socketp) {
        Entry e = find(socket);
        if (e == null) {
            return false;
        }
        e.socketp = socketp;
        return true;
    }

    /** Sockets currently announced. */
    public int size() {
        return entries.size();
    }
}
