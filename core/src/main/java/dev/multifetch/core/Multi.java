package dev.multifetch.core;

import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.connection.ConnectionPool;
import dev.multifetch.core.connection.DnsCache;
import dev.multifetch.core.connection.Mailbox;
import dev.multifetch.core.connection.Origin;
import dev.multifetch.core.http1.HttpException;
import dev.multifetch.core.http1.Target;
import dev.multifetch.core.multi.PendingQueue;
import dev.multifetch.core.multi.SocketRegistry;
import dev.multifetch.core.timer.TimerQueue;
import dev.multifetch.core.timer.TimerQueue.Expiry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

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
 * <p>libcurl: {@code CURLM}, {@code curl_multi_*}.
 */
public final class Multi implements AutoCloseable {

    /** The socket argument that means "the timer expired". libcurl: CURL_SOCKET_TIMEOUT. */
    public static final SelectableChannel SOCKET_TIMEOUT = null;

    private static final long NOT_ANNOUNCED = Long.MIN_VALUE;
    private static final long DELETED = Long.MIN_VALUE + 1;
    private static final long AT_ONCE = Long.MIN_VALUE + 2;

    private final MultiOptions options;
    private final LongSupplier clock;
    private final SocketRegistry sockets = new SocketRegistry(this::announceSocket);
    private final TimerQueue<Transfer> timers = new TimerQueue<>();
    private final ArrayDeque<Transfer> dirty = new ArrayDeque<>();
    private final PendingQueue<Origin, Transfer> pending = new PendingQueue<>();
    private final ArrayDeque<Message> messages = new ArrayDeque<>();
    private final Set<Transfer> added = new LinkedHashSet<>();
    private final ConnectionPool pool;
    private final Mailbox mailbox;
    private final DnsCache dnsCache;
    private final TransferRunner runner;
    private final Http2Connections http2;
    private final ArrayDeque<Connection> serviceAgain = new ArrayDeque<>();
    // direct: the socket reads straight into it, with no copy through a temporary JDK buffer
    private final Map<String, Target> targets = new LinkedHashMap<>(512, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Target> eldest) {
            return size() > 256;
        }
    };
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private SocketCallback socketCallback = (t, s, w, p) -> { };
    private TimerCallback timerCallback = ms -> { };
    private int running;
    private int callbackDepth;
    private RuntimeException callbackFailure;
    private final Set<Origin> freedOrigins = new HashSet<>();
    private int paused;
    private boolean closed;
    private long announcedDeadline = NOT_ANNOUNCED;
    private Thread driver;

    /** A multi handle with the default options. libcurl: curl_multi_init. */
    public Multi() {
        this(MultiOptions.DEFAULTS);
    }

    /** A multi handle with {@code options}. libcurl: curl_multi_init + curl_multi_setopt. */
    public Multi(MultiOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = options.nanoClock();
        this.pool = new ConnectionPool(options.maxTotalConnections(), options.maxHostConnections(),
                options.maxConnects(), options.maxIdleAge().toNanos(), options.maxLifetime().toNanos(), this::closeConnection);
        this.dnsCache = new DnsCache(options.dnsCacheTimeout().toNanos());
        this.mailbox = new Mailbox(options.resolverThreads());
        this.http2 = new Http2Connections(this, pool);
        this.runner = new TransferRunner(this);
    }

    /** Sets the socket callback. libcurl: CURLMOPT_SOCKETFUNCTION. */
    public void setSocketCallback(SocketCallback callback) {
        enter("setSocketCallback");
        this.socketCallback = Objects.requireNonNull(callback, "callback");
    }

    /** Sets the timer callback. libcurl: CURLMOPT_TIMERFUNCTION. */
    public void setTimerCallback(TimerCallback callback) {
        enter("setTimerCallback");
        this.timerCallback = Objects.requireNonNull(callback, "callback");
    }

    /**
     * Adds a transfer; it starts on the next action (the timer callback is told 0). It counts in
     * the running handles until its DONE message is posted or it is removed.
     * libcurl: curl_multi_add_handle.
     *
     * @throws IllegalStateException if it is already added to a multi handle (CURLM_ADDED_ALREADY)
     */
    public void add(Transfer transfer) {
        enter("add");
        if (transfer.multi != null) {
            throw new IllegalStateException("transfer already added to a multi handle: " + transfer);
        }
        transfer.resetForRun();
        transfer.multi = this;
        added.add(transfer);
        running++;
        long now = now();
        transfer.startNanos = now;
        Duration timeout = transfer.request().timeout() != null ? transfer.request().timeout() : options.timeout();
        if (timeout != null) {
            expire(transfer, Transfer.EXPIRE_TIMEOUT, now + timeout.toNanos());
        }
        markDirty(transfer);
        finishCall();
    }

    /**
     * Removes a transfer. A transfer still running is stopped: its connection is closed and it
     * posts no message; an unread DONE message of it is dropped. Removing a transfer that is not
     * added does nothing. libcurl: curl_multi_remove_handle.
     */
    public void remove(Transfer transfer) {
        enter("remove");
        if (transfer.multi != this) {
            return;
        }
        if (!transfer.state.isFinished()) {
            runner.stop(transfer);
            running--;
        }
        if (transfer.messageQueued) {
            messages.removeIf(m -> m.transfer() == transfer);
            transfer.messageQueued = false;
        }
        cancelExpiries(transfer);
        transfer.dirty = false;
        added.remove(transfer);
        transfer.multi = null;
        finishCall();
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
        if (socket == SOCKET_TIMEOUT) {
            return timeoutAction();
        }
        enter("socketAction");
        SocketRegistry.Entry entry = sockets.get(socket);
        if (entry != null) {
            Object owner = entry.owner();
            if (owner instanceof Transfer t) {
                markDirty(t);
            } else if (owner == mailbox) {
                deliverReplies();
            } else if (owner instanceof Connection c && c.http2() != null) {
                http2.service(c);
            } else if (owner instanceof Connection c) {
                checkIdle(c);
            }
        }
        runAll();
        finishCall();
        return running;
    }

    /**
     * The timer expired: runs every transfer whose deadline passed, and announces the timer again.
     * libcurl: curl_multi_socket_action with CURL_SOCKET_TIMEOUT.
     *
     * @return the running handles
     */
    public int timeoutAction() {
        enter("timeoutAction");
        announcedDeadline = NOT_ANNOUNCED;
        runAll();
        finishCall();
        return running;
    }

    /** Runs every transfer, whatever its sockets say. libcurl: curl_multi_socket_all (deprecated there too). */
    public int socketAll() {
        enter("socketAll");
        for (Transfer t : added) {
            if (!t.state.isFinished()) {
                markDirty(t);
            }
        }
        runAll();
        finishCall();
        return running;
    }

    /** Milliseconds until the handle wants {@link #timeoutAction()}: 0 now, -1 never. libcurl: curl_multi_timeout. */
    public long timeout() {
        enter("timeout");
        if (!dirty.isEmpty()) {
            return 0;
        }
        return hasDeadline() ? ceilMillis(earliestDeadline() - now()) : -1;
    }

    /**
     * Attaches the application's object to a socket the handle announced; it comes back as
     * {@code socketp} in later socket callbacks until REMOVE. Allowed inside callbacks.
     * libcurl: curl_multi_assign.
     *
     * @throws IllegalArgumentException for a socket not announced (CURLM_BAD_SOCKET)
     */
    public void assign(SelectableChannel socket, Object socketp) {
        checkOpen("assign");
        if (!sockets.assign(socket, socketp)) {
            throw new IllegalArgumentException("assign: socket not known to this multi handle: " + socket);
        }
    }

    /**
     * Takes the oldest message, or returns {@code null} when there is none. Exactly one DONE
     * message is posted per added transfer. Allowed inside callbacks. libcurl: curl_multi_info_read.
     */
    public Message infoRead() {
        checkOpen("infoRead");
        Message m = messages.poll();
        if (m != null) {
            m.transfer().messageQueued = false;
        }
        return m;
    }

    /** Messages waiting to be read. libcurl: the msgs_in_queue of curl_multi_info_read. */
    public int messagesWaiting() {
        return messages.size();
    }

    /** Transfers added and not yet finished, including those waiting for a connection slot. */
    public int runningHandles() {
        return running;
    }

    /** Transfers waiting for a connection slot. libcurl: CURLMINFO_XFERS_PENDING. */
    public int pendingHandles() {
        return pending.size();
    }

    /** Connections open or opening. */
    public int openConnections() {
        return pool.slots();
    }

    /** Idle connections in the cache. */
    public int idleConnections() {
        return pool.idleCount();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Sockets currently announced through the socket callback. */
    public int watchedSockets() {
        return sockets.size();
    }

    /**
     * Stops every transfer, closes every connection (each announced socket gets REMOVE first)
     * and the resolver. Transfers still added stay added but stopped, with no message.
     * libcurl: curl_multi_cleanup.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        enter("close");
        for (Transfer t : new ArrayList<>(added)) {
            if (!t.state.isFinished()) {
                runner.stop(t);
                running--;
            }
            cancelExpiries(t);
            t.messageQueued = false;
            t.multi = null;
        }
        added.clear();
        messages.clear();
        http2.settle();
        for (Connection c : pool.drainIdle()) {
            closeConnection(c);
        }
        if (mailbox.hasChannel()) {
            sockets.remove(mailbox.channel());
        }
        mailbox.close();
        closed = true;
        callbackFailure = null;
    }

    // ---- for TransferRunner: the handle's insides, driving thread only ----

    MultiOptions options() {
        return options;
    }

    long now() {
        return clock.getAsLong();
    }

    ConnectionPool pool() {
        return pool;
    }

    DnsCache dnsCache() {
        return dnsCache;
    }

    /** The URL taken apart; the last few hundred answers are kept, as services fetch the same URLs again and again. */
    Target target(String url) throws HttpException {
        Target known = targets.get(url);
        if (known == null) {
            known = Target.parse(url);
            targets.put(url, known);
        }
        return known;
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    Http2Connections http2() {
        return http2;
    }

    /** Announces the interest of a connection the handle itself serves (HTTP/2: every stream's socket). */
    void watch(Connection c, PollAction what) {
        sockets.want(c.channel(), null, c, what);
    }

    /** Reads {@code c} again on this pass: it stopped at its per-turn budget with input left. */
    void serviceAgain(Connection c) {
        serviceAgain.add(c);
    }

    void want(SelectableChannel socket, Transfer transfer, PollAction what) {
        sockets.want(socket, transfer, transfer, what);
    }

    void expire(Transfer t, int id, long atNanos) {
        t.expiries[id] = timers.schedule(t.expiries[id], t, id, atNanos);
    }

    void cancelExpire(Transfer t, int id) {
        timers.cancel(t.expiries[id]);
        t.expiries[id] = null;
    }

    void enqueuePending(Transfer t) {
        pending.add(t.origin, t);
    }

    void dropPending(Transfer t) {
        pending.remove(t.origin, t);
    }

    void startResolve(Transfer t, String host) {
        long token = t.resolveToken;
        HostResolver hostResolver = options.hostResolver();
        offload(() -> hostResolver.resolve(host), (addresses, error) -> {
            if (t.multi == this && t.state == TransferState.RESOLVING && t.resolveToken == token) {
                t.addresses = addresses == null ? null : List.of(addresses);
                t.resolveError = error;
                markDirty(t);
            }
        });
    }

    /**
     * Runs blocking {@code work} off the driving thread; {@code reply} runs back on it, inside a
     * later socket action for the mailbox's pipe (announced IN while work is outstanding).
     */
    <T> void offload(java.util.concurrent.Callable<T> work, java.util.function.BiConsumer<T, Exception> reply) {
        mailbox.submit(work, reply);
        sockets.want(mailbox.channel(), null, mailbox, PollAction.IN);
    }

    /** Runs the transfer again on this action's pass (data is buffered where the selector cannot see it). */
    void runAgain(Transfer t) {
        markDirty(t);
    }

    void postMessage(Transfer t) {
        messages.addLast(new Message(t, t.result()));
        t.messageQueued = true;
        running--;
    }

    /** Closes a connection: REMOVE if announced, close the socket, free its slot. */
    void closeConnection(Connection c) {
        if (c.isClosed()) {
            return;
        }
        if (c.http2() != null) {
            http2.closing(c);
        }
        c.markClosed();
        closeChannel(c);
        pool.unreserve(c.origin());
        slotFreed(c.origin());
    }

    /** Closes a connection's socket (REMOVE first) without touching slots: a failed connect attempt. */
    void closeChannel(Connection c) {
        sockets.remove(c.channel());
        c.transport().shutdown();
        try {
            c.channel().close();
        } catch (IOException ignored) {
            // the socket is gone either way; nothing was waiting on this close
        }
    }

    /** A slot or an idle connection of {@code origin} became free; waiting transfers get a look. */
    void slotFreed(Origin origin) {
        freedOrigins.add(origin);
    }

    /** Puts a connection into the cache; the socket stays watched (IN) so a close by the server is seen. */
    void releaseToPool(Connection c) {
        sockets.want(c.channel(), null, c, PollAction.IN);
        pool.release(c, now());
        slotFreed(c.origin());
    }

    // ---- the event machinery ----

    private void markDirty(Transfer t) {
        if (!t.dirty) {
            t.dirty = true;
            dirty.addLast(t);
        }
    }

    private void runAll() {
        long now = now();
        if (pool.idleCount() > 0 && now - pool.nextIdleExpiry() >= 0) {
            pool.closeExpired(now);
        }
        for (Expiry<Transfer> e; (e = timers.pollExpired(now)) != null; ) {
            if (e.owner().multi == this) {
                markDirty(e.owner());
            }
        }
        do {
            for (Connection c; (c = serviceAgain.poll()) != null; ) {
                if (!c.isClosed()) {
                    http2.service(c);
                }
            }
            for (Transfer t; (t = dirty.poll()) != null; ) {
                if (t.dirty && t.multi == this) {
                    t.dirty = false;
                    runner.run(t);
                }
            }
            if (http2.pending()) {
                http2.settle();
            }
            if (!freedOrigins.isEmpty()) {
                wakePending();
            }
        } while (!dirty.isEmpty() || !serviceAgain.isEmpty() || http2.pending() || (!freedOrigins.isEmpty() && pending.size() > 0));
        freedOrigins.clear();
    }

    /** Hands freed slots and idle connections to waiting transfers, first come first served. */
    private void wakePending() {
        if (pending.size() == 0) {
            freedOrigins.clear();
            return;
        }
        // a claim may close an expired idle connection and so free another origin: work on a copy
        List<Origin> freed = new ArrayList<>(freedOrigins);
        freedOrigins.clear();
        // without a total cap a slot freed for one origin can only serve that origin
        List<Transfer> woken = options.maxTotalConnections() == 0 ? pending.wake(freed, runner::claim)
                : pending.wake(runner::claim);
        for (Transfer t : woken) {
            runner.transition(t, TransferState.CONNECT);
            markDirty(t);
        }
    }

    private void deliverReplies() {
        mailbox.drain();
        if (mailbox.outstanding() == 0 && paused == 0) {
            sockets.remove(mailbox.channel());
        }
    }

    /** A control whose {@code resume()}, from any thread, wakes the transfer through the mailbox. */
    TransferControl newControl(Transfer t) {
        mailbox.channel();
        return () -> mailbox.post(() -> resume(t));
    }

    /** Stops reading the transfer's socket until it is resumed; the mailbox is watched for the resume. */
    void pause(Transfer t) {
        t.paused = true;
        paused++;
        sockets.want(mailbox.channel(), null, mailbox, PollAction.IN);
        if (t.conn.http2() == null) {
            sockets.want(t.conn.channel(), t, t, PollAction.NONE);
        }
    }

    /** The transfer is no longer paused (resumed, failed or removed). */
    void unpaused(Transfer t) {
        t.paused = false;
        paused--;
    }

    private void resume(Transfer t) {
        if (t.multi == this && t.paused) {
            unpaused(t);
            // the pause does not count against the read and low-speed timeouts
            t.lastReadNanos = now();
            t.speedWindowStartNanos = now();
            t.speedWindowBytes = 0;
            if (t.conn.http2() == null) {
                sockets.want(t.conn.channel(), t, t, PollAction.IN);
            }
            markDirty(t);
        }
    }

    /** An idle connection's socket became readable: the server closed it or sent garbage. */
    private void checkIdle(Connection c) {
        if (!pool.isIdle(c)) {
            return;
        }
        int n;
        try {
            n = c.transport().read(readBuffer.clear());
        } catch (IOException | RuntimeException e) {
            n = -1;
        }
        if (n != 0) {
            pool.removeIdle(c);
            closeConnection(c);
        }
    }

    void cancelExpiries(Transfer t) {
        for (int id = 0; id < t.expiries.length; id++) {
            cancelExpire(t, id);
        }
    }

    /**
     * Ends an API call: brings the timer up to date; if a callback threw, every transfer is
     * aborted with ABORTED_BY_CALLBACK, as libcurl does when a callback returns -1.
     */
    private void finishCall() {
        updateTimer();
        if (callbackFailure != null) {
            RuntimeException cause = callbackFailure;
            for (Transfer t : new ArrayList<>(added)) {
                if (!t.state.isFinished()) {
                    runner.abort(t, "a socket or timer callback threw " + cause, cause);
                }
            }
            updateTimer();
            callbackFailure = null;
        }
    }

    /** Tells the timer callback about a changed deadline, and only about a change. libcurl: Curl_update_timer. */
    private void updateTimer() {
        long target;
        long ms;
        if (!dirty.isEmpty()) {
            target = AT_ONCE;
            ms = 0;
        } else if (hasDeadline()) {
            target = earliestDeadline();
            ms = ceilMillis(target - now());
        } else {
            target = DELETED;
            ms = -1;
        }
        if (target == announcedDeadline || (target == DELETED && announcedDeadline == NOT_ANNOUNCED)) {
            announcedDeadline = target;
            return;
        }
        announcedDeadline = target;
        callbackDepth++;
        try {
            timerCallback.onTimer(ms);
        } catch (RuntimeException e) {
            if (callbackFailure == null) {
                callbackFailure = e;
            }
        } finally {
            callbackDepth--;
        }
    }

    private void announceSocket(Transfer t, SelectableChannel socket, PollAction what, Object socketp) {
        callbackDepth++;
        try {
            socketCallback.onSocket(t, socket, what, socketp);
        } catch (RuntimeException e) {
            if (callbackFailure == null) {
                callbackFailure = e;
            }
        } finally {
            callbackDepth--;
        }
    }

    /** Whether any transfer deadline or idle-connection expiry is set. */
    private boolean hasDeadline() {
        return timers.earliest() != null || pool.idleCount() > 0;
    }

    /** The earliest transfer deadline or idle-connection expiry; call only when {@link #hasDeadline()}. */
    private long earliestDeadline() {
        Expiry<Transfer> first = timers.earliest();
        if (pool.idleCount() == 0) {
            return first.atNanos();
        }
        long idle = pool.nextIdleExpiry();
        return first == null || idle - first.atNanos() < 0 ? idle : first.atNanos();
    }

    /** Rounds up, so a timer never fires before the deadline. libcurl: curlx_us_to_ceil_ms. */
    private static long ceilMillis(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }

    private void enter(String call) {
        checkOpen(call);
        if (callbackDepth > 0) {
            throw new IllegalStateException(call + "() called from inside a callback (libcurl: CURLM_RECURSIVE_API_CALL)");
        }
    }

    private void checkOpen(String call) {
        if (closed) {
            throw new IllegalStateException(call + "(): the multi handle is closed");
        }
        assert confined() : call + "() called from " + Thread.currentThread().getName()
                + " while the handle is driven by " + driver.getName();
    }

    /** Binds the handle to the first thread that drives it; true while that thread calls. */
    private boolean confined() {
        if (driver == null) {
            driver = Thread.currentThread();
        }
        return driver == Thread.currentThread();
    }

    /** A snapshot of the transfers added and not removed. libcurl: curl_multi_get_handles. */
    public List<Transfer> transfers() {
        checkOpen("transfers");
        return new ArrayList<>(added);
    }
}
