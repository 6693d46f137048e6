package dev.multifetch.core.multi;

import dev.multifetch.core.TransferState;
import dev.multifetch.core.timer.TimerQueue.Expiry;
import java.time.Duration;

/**
 * A transfer's deadlines as the multi handle's timer keeps them: the total and connect timeouts,
 * the read timeout and curl's low-speed check (both lazy: a read only records its time, the timer
 * re-arms itself). Driving thread only. libcurl: {@code Curl_timeleft()}, {@code Curl_speedcheck()}.
 */
final class Deadlines {

    private final MultiHandle multi;

    Deadlines(MultiHandle multi) {
        this.multi = multi;
    }

    /** Which timeout passed, in words, or null if none; re-arms the lazy read and speed checks. */
    String reason(Run t, long now) {
        Expiry<Run> total = t.expiries[Run.EXPIRE_TIMEOUT];
        if (total != null && now - total.atNanos() >= 0) {
            return "Operation timed out after " + millis(now - t.startNanos) + " ms in state " + t.state + describeProgress(t);
        }
        Expiry<Run> connect = t.expiries[Run.EXPIRE_CONNECT];
        if (connect != null && now - connect.atNanos() >= 0 && (t.state == TransferState.RESOLVING
                || t.state == TransferState.CONNECTING || t.state == TransferState.PROTOCONNECT)) {
            String phase = t.state == TransferState.RESOLVING ? "Resolving host " + t.connectHost
                    : t.state == TransferState.CONNECTING ? "Connecting to " + t.connectHost + " port " + t.connectPort
                    : t.route != null && !t.proxyReady ? "Proxy handshake with " + t.route.proxy().display()
                    : "TLS handshake with " + t.target.origin().host();
            return "Connection timed out: " + phase + " took more than " + millis(now - t.startNanos) + " ms";
        }
        if (t.state == TransferState.PERFORMING && !t.paused) {
            String read = readTimedOut(t, now);
            return read != null ? read : checkSpeed(t, now);
        }
        return null;
    }

    /** The read timeout is checked lazily: a read only records its time; the timer re-arms itself. */
    private String readTimedOut(Run t, long now) {
        Duration readTimeout = readTimeout(t);
        Expiry<Run> read = t.expiries[Run.EXPIRE_READ];
        if (readTimeout == null || read == null || now - read.atNanos() < 0) {
            return null;
        }
        long silent = now - t.lastReadNanos;
        if (silent >= readTimeout.toNanos()) {
            return "Read timed out: no response bytes for " + millis(silent) + " ms (read timeout "
                    + readTimeout.toMillis() + " ms)" + describeProgress(t);
        }
        multi.expire(t, Run.EXPIRE_READ, t.lastReadNanos + readTimeout.toNanos());
        return null;
    }

    /** curl's speed check: the average over each period must reach the limit. libcurl: Curl_speedcheck. */
    String checkSpeed(Run t, long now) {
        long limit = t.request().lowSpeedLimit() >= 0 ? t.request().lowSpeedLimit() : multi.options().lowSpeedLimit();
        if (limit <= 0) {
            return null;
        }
        long period = (t.request().lowSpeedTime() != null ? t.request().lowSpeedTime() : multi.options().lowSpeedTime()).toNanos();
        if (t.speedWindowStartNanos == 0) {
            t.speedWindowStartNanos = now;
            t.speedWindowBytes = 0;
            multi.expire(t, Run.EXPIRE_SPEEDCHECK, now + period);
            return null;
        }
        long elapsed = now - t.speedWindowStartNanos;
        if (elapsed < period) {
            Expiry<Run> check = t.expiries[Run.EXPIRE_SPEEDCHECK];
            if (check == null || now - check.atNanos() >= 0) {
                multi.expire(t, Run.EXPIRE_SPEEDCHECK, t.speedWindowStartNanos + period);
            }
            return null;
        }
        double rate = t.speedWindowBytes * 1e9 / elapsed;
        if (rate < limit) {
            return String.format(java.util.Locale.ROOT, "Operation too slow: %.0f bytes/s over the last %d ms, below the low-speed limit of %d bytes/s",
                    rate, millis(elapsed), limit);
        }
        t.speedWindowStartNanos = now;
        t.speedWindowBytes = 0;
        multi.expire(t, Run.EXPIRE_SPEEDCHECK, now + period);
        return null;
    }

    /** Reading starts: the read timeout and the low-speed check count from now, which is returned. */
    long startReadClocks(Run t) {
        long now = multi.now();
        t.lastReadNanos = now;
        t.speedWindowStartNanos = 0;
        checkSpeed(t, now);
        Duration readTimeout = readTimeout(t);
        if (readTimeout != null) {
            multi.expire(t, Run.EXPIRE_READ, now + readTimeout.toNanos());
        }
        return now;
    }

    Duration readTimeout(Run t) {
        return t.request().readTimeout() != null ? t.request().readTimeout() : multi.options().readTimeout();
    }

    private static String describeProgress(Run t) {
        var progress = t.exchange == null ? null : t.exchange.progress(t);
        return progress == null ? "" : " with " + progress.bodySize() + " body bytes received";
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
