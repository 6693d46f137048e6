package dev.multifetch.core.multi;

import dev.multifetch.core.Message;
import dev.multifetch.core.TimerCallback;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.PollAction;
import dev.multifetch.core.TransferState;
import dev.multifetch.core.SocketCallback;
import dev.multifetch.core.TransferControl;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The insides of a {@link dev.multifetch.core.Multi}: the transfers, the dirty set run on each
 * action, the pending queue, the timers, the socket registry that diffs interests into socket
 * callbacks, the connection pool and the resolver mailbox. Its public methods are the API's, as
 * {@code Multi} documents them; the rest serves the state machine ({@link TransferRunner}) and
 * the exchanges. Not API. Confined to the thread that drives the handle (checked by an
 * assertion); a call from inside a callback throws (libcurl: CURLM_RECURSIVE_API_CALL).
 *
 * <p>libcurl: {@code struct Curl_multi}, {@code lib/multi.c}.
 */
public final class MultiHandle implements AutoCloseable {

    /** The socket argument that means "the timer expired". libcurl: CURL_SOCKET_TIMEOUT. */
    public static final SelectableChannel SOCKET_TIMEOUT = null;

    private final MultiOptions options;
    private final LongSupplier clock;
    private final Callbacks callbacks = new Callbacks();
    private final SocketRegistry sockets = new SocketRegistry(callbacks::announceSocket);
    private final TimerQueue<Run> timers = new TimerQueue<>();
    private final ArrayDeque<Run> dirty = new ArrayDeque<>();
    private final PendingQueue<Origin, Run> pending = new PendingQueue<>();
    private final Messages messages = new Messages();
    private final Set<Run> added = new LinkedHashSet<>();
    private final ConnectionPool pool;
    private final Mailbox mailbox;
    private final DnsCache dnsCache;
    private final TransferRunner runner;
    private final Http2Connections http2;
    private final Pauses pauses;
    private final Lingering lingering = new Lingering();
    private final ArrayDeque<Connection> serviceAgain = new ArrayDeque<>();
    private final Map<String, Target> targets = Targets.cache();
    // direct: the socket reads straight into it, with no copy through a temporary JDK buffer
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private int running;
    private final Set<Origin> freedOrigins = new HashSet<>();
    private boolean closed;
    private Thread driver;

    /** A multi handle with {@code options}. libcurl: curl_multi_init + curl_multi_setopt. */
    public MultiHandle(MultiOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = options.nanoClock();
        this.pool = new ConnectionPool(options.maxTotalConnections(), options.maxHostConnections(),
                options.maxConnects(), options.maxIdleAge().toNanos(), options.maxLifetime().toNanos(), this::closeConnection);
        this.dnsCache = new DnsCache(options.dnsCacheTimeout().toNanos());
        this.mailbox = new Mailbox(options.resolverThreads());
        this.http2 = new Http2Connections(this, pool);
        this.pauses = new Pauses(this, mailbox, sockets);
        this.runner = new TransferRunner(this);
    }

    /** See {@link dev.multifetch.core.Multi#setSocketCallback}. */
    public void setSocketCallback(SocketCallback callback) {
        enter("setSocketCallback");
        callbacks.socketCallback(callback);
    }

    /** See {@link dev.multifetch.core.Multi#setTimerCallback}. */
    public void setTimerCallback(TimerCallback callback) {
        enter("setTimerCallback");
        callbacks.timerCallback(callback);
    }

    /** See {@link dev.multifetch.core.Multi#add}. */
    public void add(Run transfer) {
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
            expire(transfer, Run.EXPIRE_TIMEOUT, now + timeout.toNanos());
        }
        markDirty(transfer);
        finishCall();
    }

    /** See {@link dev.multifetch.core.Multi#remove}. */
    public void remove(Run transfer) {
        enter("remove");
        if (transfer.multi != this) {
            return;
        }
        if (!transfer.state.isFinished()) {
            runner.stop(transfer);
            running--;
        }
        messages.drop(transfer);
        cancelExpiries(transfer);
        transfer.dirty = false;
        added.remove(transfer);
        transfer.multi = null;
        finishCall();
    }

    /** See {@link dev.multifetch.core.Multi#socketAction}. */
    public int socketAction(SelectableChannel socket, int events) {
        if (socket == SOCKET_TIMEOUT) {
            return timeoutAction();
        }
        enter("socketAction");
        SocketRegistry.Entry entry = sockets.get(socket);
        if (entry != null) {
            Object owner = entry.owner();
            if (owner instanceof Run t) {
                markDirty(t);
            } else if (owner == mailbox) {
                deliverReplies();
            } else if (owner instanceof Connection c && c.isLingering()) {
                if (lingering.drain(c, readBuffer)) {
                    endLinger(c);
                }
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

    /** See {@link dev.multifetch.core.Multi#timeoutAction}. */
    public int timeoutAction() {
        enter("timeoutAction");
        callbacks.timerFired();
        runAll();
        finishCall();
        return running;
    }

    /** See {@link dev.multifetch.core.Multi#socketAll}. */
    public int socketAll() {
        enter("socketAll");
        for (Run t : added) {
            if (!t.state.isFinished()) {
                markDirty(t);
            }
        }
        runAll();
        finishCall();
        return running;
    }

    /** See {@link dev.multifetch.core.Multi#timeout}. */
    public long timeout() {
        enter("timeout");
        if (!dirty.isEmpty()) {
            return 0;
        }
        return hasDeadline() ? Callbacks.ceilMillis(earliestDeadline() - now()) : -1;
    }

    /** See {@link dev.multifetch.core.Multi#assign}. */
    public void assign(SelectableChannel socket, Object socketp) {
        checkOpen("assign");
        if (!sockets.assign(socket, socketp)) {
            throw new IllegalArgumentException("assign: socket not known to this multi handle: " + socket);
        }
    }

    /** See {@link dev.multifetch.core.Multi#infoRead}. */
    public Message infoRead() {
        checkOpen("infoRead");
        return messages.read();
    }

    /** See {@link dev.multifetch.core.Multi#messagesWaiting}. */
    public int messagesWaiting() {
        return messages.size();
    }

    /** See {@link dev.multifetch.core.Multi#runningHandles}. */
    public int runningHandles() {
        return running;
    }

    /** See {@link dev.multifetch.core.Multi#pendingHandles}. */
    public int pendingHandles() {
        return pending.size() + runner.holds().held();
    }

    /** See {@link dev.multifetch.core.Multi#openConnections}. */
    public int openConnections() {
        return pool.slots();
    }

    /** See {@link dev.multifetch.core.Multi#idleConnections}. */
    public int idleConnections() {
        return pool.idleCount();
    }

    /** See {@link dev.multifetch.core.Multi#isClosed}. */
    public boolean isClosed() {
        return closed;
    }

    /** See {@link dev.multifetch.core.Multi#watchedSockets}. */
    public int watchedSockets() {
        return sockets.size();
    }

    /** See {@link dev.multifetch.core.Multi#close}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        enter("close");
        for (Run t : new ArrayList<>(added)) {
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
        lingering.closeAll(this::endLinger);
        for (Connection c : pool.drainIdle()) {
            closeConnection(c);
        }
        if (mailbox.hasChannel()) {
            sockets.remove(mailbox.channel());
        }
        mailbox.close();
        closed = true;
        callbacks.clearFailure();
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

    void want(SelectableChannel socket, Run transfer, PollAction what) {
        sockets.want(socket, transfer.transfer, transfer, what);
    }

    void expire(Run t, int id, long atNanos) {
        t.expiries[id] = timers.schedule(t.expiries[id], t, id, atNanos);
    }

    void cancelExpire(Run t, int id) {
        timers.cancel(t.expiries[id]);
        t.expiries[id] = null;
    }

    void enqueuePending(Run t) {
        pending.add(t.origin, t);
    }

    void dropPending(Run t) {
        pending.remove(t.origin, t);
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
    void runAgain(Run t) {
        markDirty(t);
    }

    void postMessage(Run t) {
        messages.post(t);
        running--;
    }

    /** Closes a connection: REMOVE if announced, close the socket, free its slot. */
    void closeConnection(Connection c) {
        if (c.isClosed() || c.isLingering()) {
            return;
        }
        // a GOAWAY with an error went out: the server gets to read it before the socket goes
        boolean linger = c.http2() != null && http2.closing(c) && !closed;
        if (linger) {
            watch(c, PollAction.IN);
            lingering.start(c, now());
        } else {
            c.markClosed();
            closeChannel(c);
        }
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

    private void markDirty(Run t) {
        if (!t.dirty) {
            t.dirty = true;
            dirty.addLast(t);
        }
    }

    private void endLinger(Connection c) {
        c.markClosed();
        closeChannel(c);
    }

    private void runAll() {
        long now = now();
        if (lingering.any()) {
            lingering.expire(now, this::endLinger);
        }
        http2.expirePings(now);
        if (pool.idleCount() > 0 && now - pool.nextIdleExpiry() >= 0) {
            pool.closeExpired(now);
        }
        for (Expiry<Run> e; (e = timers.pollExpired(now)) != null; ) {
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
            for (Run t; (t = dirty.poll()) != null; ) {
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
        List<Run> woken = options.maxTotalConnections() == 0 ? pending.wake(freed, runner::claim)
                : pending.wake(runner::claim);
        for (Run t : woken) {
            runner.transition(t, TransferState.CONNECT);
            markDirty(t);
        }
    }

    private void deliverReplies() {
        mailbox.drain();
        if (mailbox.outstanding() == 0 && pauses.count() == 0) {
            sockets.remove(mailbox.channel());
        }
    }

    /** A control whose {@code resume()}, from any thread, wakes the transfer through the mailbox. */
    TransferControl newControl(Run t) {
        return pauses.newControl(t);
    }

    /** Stops reading the transfer's socket until it is resumed; the mailbox is watched for the resume. */
    void pause(Run t) {
        pauses.pause(t);
    }

    /** The transfer is no longer paused (resumed, failed or removed). */
    void unpaused(Run t) {
        pauses.unpaused(t);
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

    void cancelExpiries(Run t) {
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
        RuntimeException cause = callbacks.takeFailure();
        if (cause != null) {
            for (Run t : new ArrayList<>(added)) {
                if (!t.state.isFinished()) {
                    runner.abort(t, "a socket or timer callback threw " + cause, cause);
                }
            }
            updateTimer();
            callbacks.clearFailure();
        }
    }

    private void updateTimer() {
        boolean deadline = hasDeadline();
        callbacks.announceTimer(!dirty.isEmpty(), deadline, deadline ? earliestDeadline() : 0, now());
    }

    /** Whether any transfer deadline or idle-connection expiry is set. */
    private boolean hasDeadline() {
        return timers.earliest() != null || pool.idleCount() > 0 || lingering.any() || http2.nextPingDeadline() != 0;
    }

    /** The earliest transfer deadline or idle-connection expiry; call only when {@link #hasDeadline()}. */
    private long earliestDeadline() {
        Expiry<Run> first = timers.earliest();
        long at = first == null ? Long.MAX_VALUE : first.atNanos();
        boolean any = first != null;
        if (pool.idleCount() > 0) {
            at = any && at - pool.nextIdleExpiry() < 0 ? at : pool.nextIdleExpiry();
            any = true;
        }
        if (lingering.any()) {
            at = any && at - lingering.nextDeadline() < 0 ? at : lingering.nextDeadline();
            any = true;
        }
        long ping = http2.nextPingDeadline();
        if (ping != 0) {
            at = any && at - ping < 0 ? at : ping;
        }
        return at;
    }

    private void enter(String call) {
        checkOpen(call);
        if (callbacks.inside()) {
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

    /** See {@link dev.multifetch.core.Multi#transfers}. */
    public List<dev.multifetch.core.Transfer> transfers() {
        checkOpen("transfers");
        List<dev.multifetch.core.Transfer> all = new ArrayList<>(added.size());
        for (Run r : added) {
            all.add(r.transfer);
        }
        return all;
    }
}
