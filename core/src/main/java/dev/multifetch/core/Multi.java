package dev.multifetch.core;

import dev.multifetch.core.multi.MultiHandle;
import java.nio.channels.SelectableChannel;
import java.util.List;

/**
 * The multi handle: runs many transfers over non-blocking sockets, driven by the application's
 * event loop exactly as libcurl's multi-socket interface is. It owns no driving thread and never
 * blocks. The application
 * <ol>
 * <li>sets a {@link SocketCallback} and a {@link TimerCallback},</li>
 * <li>{@link #add adds} transfers,</li>
 * <li>watches the sockets it is told about and calls {@link #socketAction} when one is ready, or
 * {@link #timeoutAction()} when the timer expires,</li>
 * <li>drains {@link #infoRead()} after every call, and</li>
 * <li>{@link #remove removes} finished transfers.</li>
 * </ol>
 *
 * <p>Thread confinement: every method must be called from one thread at a time, the thread that
 * drives the handle (checked by an assertion). The callbacks run on that thread, inside these
 * calls; from inside a callback only {@link #infoRead()} and {@link #assign} may be called,
 * everything else throws {@link IllegalStateException} (libcurl: CURLM_RECURSIVE_API_CALL).
 * Host names are resolved on the handle's own resolver threads; their answers come back through
 * a pipe announced with the socket callback, like curl's threaded resolver.
 *
 * <p>This class is the handle's API; its insides (the state machine, exchanges, connections)
 * live in the internal packages under {@code dev.multifetch.core}.
 *
 * <p>libcurl: {@code CURLM}, {@code curl_multi_*}.
 */
public final class Multi implements AutoCloseable {

    /** The socket argument that means "the timer expired". libcurl: CURL_SOCKET_TIMEOUT. */
    public static final SelectableChannel SOCKET_TIMEOUT = null;

    private final MultiHandle handle;

    /** A multi handle with the default options. libcurl: curl_multi_init. */
    public Multi() {
        this(MultiOptions.DEFAULTS);
    }

    /** A multi handle with {@code options}. libcurl: curl_multi_init + curl_multi_setopt. */
    public Multi(MultiOptions options) {
        this.handle = new MultiHandle(options);
    }

    /** Sets the socket callback. libcurl: CURLMOPT_SOCKETFUNCTION. */
    public void setSocketCallback(SocketCallback callback) {
        handle.setSocketCallback(callback);
    }

    /** Sets the timer callback. libcurl: CURLMOPT_TIMERFUNCTION. */
    public void setTimerCallback(TimerCallback callback) {
        handle.setTimerCallback(callback);
    }

    /**
     * Adds a transfer; it starts on the next action (the timer callback is told 0). It counts in
     * the running handles until its DONE message is posted or it is removed.
     * libcurl: curl_multi_add_handle.
     *
     * @throws IllegalStateException if it is already added to a multi handle (CURLM_ADDED_ALREADY)
     */
    public void add(Transfer transfer) {
        handle.add(transfer.run);
    }

    /**
     * Removes a transfer. A transfer still running is stopped: its connection is closed and it
     * posts no message; an unread DONE message of it is dropped. Removing a transfer that is not
     * added does nothing. libcurl: curl_multi_remove_handle.
     */
    public void remove(Transfer transfer) {
        handle.remove(transfer.run);
    }

    /**
     * Tells the handle that {@code socket} is ready ({@code events}: {@link CSelect} bits, or 0
     * for unknown), or with {@link #SOCKET_TIMEOUT} that the timer expired. Runs every transfer
     * the socket concerns and every transfer whose deadline passed. A socket the handle does not
     * know (a stray event after REMOVE) is ignored. libcurl: curl_multi_socket_action.
     *
     * @return the running handles
     */
    public int socketAction(SelectableChannel socket, int events) {
        return handle.socketAction(socket, events);
    }

    /**
     * The timer expired: runs every transfer whose deadline passed, and announces the timer again.
     * libcurl: curl_multi_socket_action with CURL_SOCKET_TIMEOUT.
     *
     * @return the running handles
     */
    public int timeoutAction() {
        return handle.timeoutAction();
    }

    /** Runs every transfer, whatever its sockets say. libcurl: curl_multi_socket_all (deprecated there too). */
    public int socketAll() {
        return handle.socketAll();
    }

    /** Milliseconds until the handle wants {@link #timeoutAction()}: 0 now, -1 never. libcurl: curl_multi_timeout. */
    public long timeout() {
        return handle.timeout();
    }

    /**
     * Attaches the application's object to a socket the handle announced; it comes back as
     * {@code socketp} in later socket callbacks until REMOVE. Allowed inside callbacks.
     * libcurl: curl_multi_assign.
     *
     * @throws IllegalArgumentException for a socket not announced (CURLM_BAD_SOCKET)
     */
    public void assign(SelectableChannel socket, Object socketp) {
        handle.assign(socket, socketp);
    }

    /**
     * Takes the oldest message, or returns {@code null} when there is none. Exactly one DONE
     * message is posted per added transfer. Allowed inside callbacks. libcurl: curl_multi_info_read.
     */
    public Message infoRead() {
        return handle.infoRead();
    }

    /** Messages waiting to be read. libcurl: the msgs_in_queue of curl_multi_info_read. */
    public int messagesWaiting() {
        return handle.messagesWaiting();
    }

    /** Transfers added and not yet finished, including those waiting for a connection slot. */
    public int runningHandles() {
        return handle.runningHandles();
    }

    /** Transfers waiting for a connection slot. libcurl: CURLMINFO_XFERS_PENDING. */
    public int pendingHandles() {
        return handle.pendingHandles();
    }

    /** Connections open or opening. */
    public int openConnections() {
        return handle.openConnections();
    }

    /** Idle connections in the cache. */
    public int idleConnections() {
        return handle.idleConnections();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Sockets currently announced through the socket callback. */
    public int watchedSockets() {
        return handle.watchedSockets();
    }

    /**
     * Stops every transfer, closes every connection (each announced socket gets REMOVE first)
     * and the resolver. Transfers still added stay added but stopped, with no message.
     * libcurl: curl_multi_cleanup.
     */
    @Override
    public void close() {
        handle.close();
    }

    /** A snapshot of the transfers added and not removed. libcurl: curl_multi_get_handles. */
    public List<Transfer> transfers() {
        return handle.transfers();
    }
}
