package dev.multifetch.core.testing;

import dev.multifetch.core.CSelect;
import dev.multifetch.core.Message;
import dev.multifetch.core.Multi;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.PollAction;
import dev.multifetch.core.SocketCallback;
import dev.multifetch.core.TimerCallback;
import dev.multifetch.core.Transfer;
import dev.multifetch.core.engine.SelectorLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A hand-driven event loop for a {@link Multi}, run on the test's own thread: it records every
 * socket and timer callback, keeps a selector in step with them, and turns the loop on request.
 * Tests use it to assert the callback contract itself. Hooks let a test run code inside a callback.
 */
public final class DrivenLoop implements AutoCloseable {

    /** One call of the socket callback; {@code open} says whether the socket was open at the time. */
    public record SocketCall(Transfer transfer, SelectableChannel socket, PollAction what, boolean open) {
    }

    /** One call of the timer callback. */
    public record TimerCall(long timeoutMs) {
    }

    private final Multi multi;
    private final LongSupplier clock;
    private final Selector selector;
    private final List<Object> calls = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();
    private final Map<SelectableChannel, SelectionKey> keys = new HashMap<>();
    private SocketCallback socketHook = (t, s, w, p) -> { };
    private TimerCallback timerHook = ms -> { };
    private long timerDeadline = Long.MIN_VALUE;
    private boolean timerSet;

    /** A loop driving a new multi handle with {@code options}. */
    public DrivenLoop(MultiOptions options) {
        this.multi = new Multi(options);
        this.clock = options.nanoClock();
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        multi.setSocketCallback(this::onSocket);
        multi.setTimerCallback(this::onTimer);
    }

    /** The multi handle under test. */
    public Multi multi() {
        return multi;
    }

    /** Runs {@code hook} inside every socket callback, after recording it. */
    public void onSocketHook(SocketCallback hook) {
        this.socketHook = hook;
    }

    /** Runs {@code hook} inside every timer callback, after recording it. */
    public void onTimerHook(TimerCallback hook) {
        this.timerHook = hook;
    }

    /** Every callback so far, in order: {@link SocketCall} and {@link TimerCall} records. */
    public List<Object> calls() {
        return calls;
    }

    /** The socket callbacks so far. */
    public List<SocketCall> socketCalls() {
        return calls.stream().filter(SocketCall.class::isInstance).map(SocketCall.class::cast).toList();
    }

    /** The socket callbacks for one socket. */
    public List<PollAction> actionsFor(SelectableChannel socket) {
        return socketCalls().stream().filter(c -> c.socket() == socket).map(SocketCall::what).toList();
    }

    /** The timer callbacks so far. */
    public List<Long> timerCalls() {
        return calls.stream().filter(TimerCall.class::isInstance).map(c -> ((TimerCall) c).timeoutMs()).toList();
    }

    /** Messages drained from {@link Multi#infoRead()} after every action. */
    public List<Message> messages() {
        return messages;
    }

    /** Whether the timer is set, and how many ms until it is due by the multi's clock. */
    public long timerRemainingMs() {
        return timerSet ? Math.max(0, (timerDeadline - clock.getAsLong()) / 1_000_000) : -1;
    }

    /**
     * One turn: waits at most {@code maxWaitMs} (less if the timer is due sooner) for socket events,
     * acts on each ready socket, then on the timer if due, and drains messages.
     */
    public void turn(long maxWaitMs) {
        try {
            long wait = timerSet ? Math.min(maxWaitMs, timerRemainingMs()) : maxWaitMs;
            if (wait <= 0) {
                selector.selectNow();
            } else {
                selector.select(wait);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            it.remove();
            if (key.isValid()) {
                int events = (key.isReadable() ? CSelect.IN : 0) | (key.isWritable() || key.isConnectable() ? CSelect.OUT : 0);
                multi.socketAction(key.channel(), events);
            }
        }
        if (timerSet && clock.getAsLong() - timerDeadline >= 0) {
            timerSet = false;
            multi.timeoutAction();
        }
        drain();
    }

    /** Turns the loop until {@code done} holds; fails after {@code limit} of real time. */
    public void runUntil(BooleanSupplier done, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("loop condition not reached within " + limit + "; calls: " + calls);
            }
            turn(20);
        }
    }

    /** Reads every waiting message into {@link #messages()}. */
    public void drain() {
        for (Message m; (m = multi.infoRead()) != null; ) {
            messages.add(m);
        }
    }

    private void onSocket(Transfer transfer, SelectableChannel socket, PollAction what, Object socketp) {
        calls.add(new SocketCall(transfer, socket, what, socket.isOpen()));
        SelectionKey key = keys.get(socket);
        if (what == PollAction.REMOVE) {
            if (key != null && key.isValid()) {
                key.interestOps(0);
            }
        } else {
            int ops = SelectorLoop.interestOps(socket, what);
            try {
                keys.put(socket, socket.register(selector, ops));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        socketHook.onSocket(transfer, socket, what, socketp);
    }

    private void onTimer(long timeoutMs) {
        calls.add(new TimerCall(timeoutMs));
        timerSet = timeoutMs >= 0;
        timerDeadline = clock.getAsLong() + timeoutMs * 1_000_000;
        timerHook.onTimer(timeoutMs);
    }

    /** Closes the multi handle, then the selector. */
    @Override
    public void close() {
        if (!multi.isClosed()) {
            drain();
            multi.close();
        }
        try {
            selector.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
