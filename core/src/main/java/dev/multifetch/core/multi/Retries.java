package dev.multifetch.core.multi;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.RetryPolicy;
import dev.multifetch.core.RetryStop;
import dev.multifetch.core.exchange.ResponseProgress;
import dev.multifetch.core.politeness.RetryAfter;
import dev.multifetch.core.politeness.RetryBudget;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether an attempt that ended (with an error, or with a response) is tried again, and after how
 * long: curl's {@code --retry} rules, the server's {@code Retry-After}, full-jitter backoff, the
 * limits of the {@link RetryPolicy} and the retry budget. Driving thread only.
 */
final class Retries {

    private final MultiHandle multi;
    private final RetryBudget budget;

    Retries(MultiHandle multi) {
        this.multi = multi;
        RetryPolicy engine = multi.options().retry();
        this.budget = new RetryBudget(engine.budgetRatio(), engine.budgetFloor());
    }

    /** The policy of a transfer: its request's, else the engine's, with the request's count of retries. */
    static RetryPolicy policy(Run t, RetryPolicy engine) {
        RetryPolicy p = t.request().retry() != null ? t.request().retry() : engine;
        return t.request().retries() >= 0 ? p.withMaxRetries(t.request().retries()) : p;
    }

    /** Counts a transfer's first attempt against its key's budget. */
    void started(Run t, String key) {
        budget.request(key, multi.now());
    }

    /** Retries refused by the budget so far. */
    long refusedByBudget() {
        return budget.refused();
    }

    /**
     * The delay before the next attempt of a transfer whose attempt just ended, or -1 for none;
     * a response's Retry-After is recorded, and a reason for not retrying a retryable response
     * is left in {@link Run#retryStopped}.
     */
    long delayNanos(Run t, Holds holds) {
        RetryPolicy policy = policy(t, multi.options().retry());
        if (policy.maxRetries() == 0) {
            return -1;
        }
        ResponseProgress response = t.failure == null && t.exchange != null ? t.exchange.progress(t) : null;
        Duration retryAfter = null;
        if (response != null) {
            if (!policy.statuses().contains(response.status())) {
                return -1;
            }
            retryAfter = RetryAfter.parse(response.headers().first("Retry-After").orElse(null), System.currentTimeMillis());
            t.retryAfter = retryAfter != null ? retryAfter : t.retryAfter;
        } else if (!retryable(t.failure, policy, t.bytesReceived > t.attemptBytesReceivedStart)) {
            return -1;
        }
        if (t.attempts > policy.maxRetries()) {
            return stop(t, RetryStop.NO_RETRIES_LEFT, "no retries left after " + t.attempts + " attempts");
        }
        if (!mayRepeat(t, policy, response != null)) {
            return stop(t, RetryStop.NOT_IDEMPOTENT, t.hop.method() + " is not idempotent and was sent: not repeated");
        }
        if (retryAfter != null && retryAfter.compareTo(policy.maxRetryAfter()) > 0) {
            return stop(t, RetryStop.MAX_RETRY_AFTER, "Retry-After " + retryAfter.toSeconds() + " s is beyond maxRetryAfter "
                    + policy.maxRetryAfter().toSeconds() + " s");
        }
        long delay = backoff(policy, t.attempts);
        if (retryAfter != null) {
            delay = Math.max(delay, retryAfter.toNanos());
        }
        long now = multi.now();
        if (policy.maxRetryTime() != null && now + delay - t.startNanos > policy.maxRetryTime().toNanos()) {
            return stop(t, RetryStop.MAX_RETRY_TIME, "a retry in " + delay / 1_000_000 + " ms would pass maxRetryTime "
                    + policy.maxRetryTime().toMillis() + " ms");
        }
        String key = holds.key(t);
        if (!budget.tryRetry(key, now)) {
            return stop(t, RetryStop.BUDGET, "the retry budget of " + key + " is spent");
        }
        return delay;
    }

    private static long stop(Run t, RetryStop stop, String why) {
        t.retryStop = stop;
        t.retryStopped = why;
        return -1;
    }

    /** curl's transient errors: timeouts, DNS, a connection lost before any response byte; refused only when asked. */
    private static boolean retryable(FetchException failure, RetryPolicy policy, boolean responseStarted) {
        FetchError error = failure.error();
        String message = String.valueOf(failure.getMessage());
        if (error == FetchError.ABORTED_BY_CALLBACK || message.contains("denied by connect policy")) {
            return false;
        }
        if (policy.retryAllErrors()) {
            return true;
        }
        return switch (error) {
            case OPERATION_TIMEDOUT, COULDNT_RESOLVE_HOST, COULDNT_RESOLVE_PROXY -> true;
            // a connection lost before any response byte: the request may never have been seen
            case GOT_NOTHING, SEND_ERROR, RECV_ERROR, HTTP2, HTTP2_STREAM -> !responseStarted;
            case COULDNT_CONNECT -> policy.retryConnRefused();
            default -> false;
        };
    }

    /**
     * Whether the request may be sent again: always when idempotent, when it carries
     * {@code Idempotency-Key} or the policy allows it; otherwise only if no byte of it was written.
     */
    private static boolean mayRepeat(Run t, RetryPolicy policy, boolean answered) {
        if (TransferRunner.idempotent(t.hop.method()) || policy.retryNonIdempotent()
                || t.hop.headers().contains("Idempotency-Key")) {
            return true;
        }
        return !answered && t.bytesSent == t.attemptBytesStart;
    }

    /** Exponential backoff from the base, doubled per retry up to the cap; full jitter draws up to it. */
    private static long backoff(RetryPolicy policy, int attempts) {
        long cap = policy.maxDelay().toNanos();
        long base = policy.baseDelay().toNanos();
        int shift = Math.min(attempts - 1, 40);
        long exp = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
        return policy.jitter() ? ThreadLocalRandom.current().nextLong(exp + 1) : exp;
    }

    /**
     * The attempt ended and is tried again after {@code delayNanos}: the connection goes back
     * (or is closed), the transfer waits PENDING on the timer, then starts the hop over from SETUP.
     */
    boolean retryLater(Run t, long delayNanos, TransferRunner runner, Holds holds) {
        int status = t.failure != null ? 0 : t.exchange.progress(t).status();
        Attempts.ended(t, status, t.failure);
        if (t.failure == null && t.exchange != null && t.conn != null) {
            t.exchange.release(t, t.exchange.progress(t).connectionReusable());
        }
        String reason = t.failure != null ? t.failure.getMessage() : "HTTP " + status;
        int attempt = t.attempts;
        runner.listen(t, l -> l.retryScheduled(t.transfer, attempt, delayNanos, reason));
        t.exchange = null;
        t.failure = null;
        t.response = null;
        t.attempts++;
        t.resetForHop();
        t.attemptBytesStart = t.bytesSent;
        t.attemptBytesReceivedStart = t.bytesReceived;
        Duration timeout = t.request().timeout() != null ? t.request().timeout() : multi.options().timeout();
        if (timeout != null) {
            multi.expire(t, Run.EXPIRE_TIMEOUT, t.startNanos + timeout.toNanos());
        }
        long at = multi.now() + delayNanos;
        t.hopStartNanos = at;
        holds.holdForRetry(t, at, runner);
        return false;
    }
}
