package dev.multifetch.core.multi;

import dev.multifetch.core.PollAction;
import dev.multifetch.core.SocketCallback;
import dev.multifetch.core.TimerCallback;
import dev.multifetch.core.Transfer;
import java.nio.channels.SelectableChannel;
import java.util.Objects;

/**
 * The application's socket and timer callbacks as the multi handle calls them: the timer told
 * only when its deadline changes, a callback that throws remembered (the handle then aborts
 * every transfer, as libcurl does when a callback returns -1), and whether a call is made from
 * inside one (libcurl: CURLM_RECURSIVE_API_CALL). Driving thread only.
 *
 * <p>libcurl: {@code Curl_update_timer}, the socket callback calls of {@code lib/multi_ev.c}.
 */
final class Callbacks {

    private static final long NOT_ANNOUNCED = Long.MIN_VALUE;
    private static final long DELETED = Long.MIN_VALUE + 1;
    private static final long AT_ONCE = Long.MIN_VALUE + 2;

    private SocketCallback socketCallback = (t, s, w, p) -> { };
    private TimerCallback timerCallback = ms -> { };
    private int depth;
    private RuntimeException failure;
    private long announcedDeadline = NOT_ANNOUNCED;

    void socketCallback(SocketCallback callback) {
        this.socketCallback = Objects.requireNonNull(callback, "callback");
    }

    void timerCallback(TimerCallback callback) {
        this.timerCallback = Objects.requireNonNull(callback, "callback");
    }

    /** Whether a callback is running now (an API call from it is recursive). */
    boolean inside() {
        return depth > 0;
    }

    /** The timer the application kept fired: the next deadline is announced anew. */
    void timerFired() {
        announcedDeadline = NOT_ANNOUNCED;
    }

    /** The first exception a callback threw since the last call, taken away; null if none. */
    RuntimeException takeFailure() {
        RuntimeException f = failure;
        failure = null;
        return f;
    }

    /** Forgets a failure (the handle closes). */
    void clearFailure() {
        failure = null;
    }

    /**
     * Tells the timer callback about a changed deadline, and only about a change: 0 for "act at
     * once", -1 for none, else the milliseconds to {@code deadlineNanos}, rounded up.
     */
    void announceTimer(boolean atOnce, boolean hasDeadline, long deadlineNanos, long nowNanos) {
        long target = atOnce ? AT_ONCE : hasDeadline ? deadlineNanos : DELETED;
        long ms = atOnce ? 0 : hasDeadline ? ceilMillis(deadlineNanos - nowNanos) : -1;
        if (target == announcedDeadline || (target == DELETED && announcedDeadline == NOT_ANNOUNCED)) {
            announcedDeadline = target;
            return;
        }
        announcedDeadline = target;
        depth++;
        try {
            timerCallback.onTimer(ms);
        } catch (RuntimeException e) {
            remember(e);
        } finally {
            depth--;
        }
    }

    /** Tells the socket callback about a changed interest. */
    void announceSocket(Transfer t, SelectableChannel socket, PollAction what, Object socketp) {
        depth++;
        try {
            socketCallback.onSocket(t, socket, what, socketp);
        } catch (RuntimeException e) {
            remember(e);
        } finally {
            depth--;
        }
    }

    private void remember(RuntimeException e) {
        if (failure == null) {
            failure = e;
        }
    }

    /** Rounds up, so a timer never fires before the deadline. libcurl: curlx_us_to_ceil_ms. */
    static long ceilMillis(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }
}
