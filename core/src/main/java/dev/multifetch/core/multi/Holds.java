package dev.multifetch.core.multi;

import dev.multifetch.core.PacingKey;
import dev.multifetch.core.Politeness;
import dev.multifetch.core.Rate;
import dev.multifetch.core.TransferState;
import dev.multifetch.core.connection.DnsCache;
import dev.multifetch.core.politeness.RegistrableDomain;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Transfers held PENDING on the timer rather than for a connection: those paced per key (a
 * minimum interval and/or a rate between request starts, and host blocks from a 429 or 503 with
 * {@code Retry-After}), and those waiting out a retry's backoff. Each paced key waits in FIFO
 * order and only its first transfer holds a timer entry: one entry per paced key, whatever the
 * queue. No thread sleeps. Driving thread only.
 */
final class Holds {

    /** {@link Run#hold}: waiting for its key's turn. */
    static final int PACED = 1;
    /** {@link Run#hold}: waiting out a retry's backoff. */
    static final int RETRY = 2;

    private static final int MAX_KEYS = 50_000;

    private final MultiHandle multi;
    private final Politeness politeness;
    private final Map<String, Pace> paces = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pace> eldest) {
            return size() > MAX_KEYS && eldest.getValue().waiting.isEmpty();
        }
    };
    private int held;

    Holds(MultiHandle multi, Politeness politeness) {
        this.multi = multi;
        this.politeness = politeness;
    }

    /** Transfers held now: paced or waiting for a retry. */
    int held() {
        return held;
    }

    /** Whether pacing is on at all (when off, {@link #admit} is never needed). */
    boolean pacing() {
        return politeness.enabled();
    }

    /** The pacing key of the transfer's current hop. */
    String key(Run t) {
        String host = t.target.origin().host();
        return switch (politeness.key()) {
            case ORIGIN -> t.target.origin().scheme() + "://" + host + ":" + t.target.origin().port();
            case DOMAIN -> RegistrableDomain.of(host);
            case IP -> address(host);
        };
    }

    private String address(String host) {
        DnsCache cache = multi.dnsCache();
        List<InetAddress> known = cache.get(host, multi.now());
        return known == null || known.isEmpty() ? host : known.get(0).getHostAddress();
    }

    /**
     * Lets the transfer start now (its start recorded against its key), or holds it PENDING in
     * its key's queue; the queue's first transfer gets the timer entry. True when it may go on.
     */
    boolean admit(Run t, TransferRunner runner) {
        long now = multi.now();
        String key = key(t);
        Pace pace = paces.computeIfAbsent(key, k -> new Pace(politeness, t.target.origin().host()));
        t.paceKey = key;
        if (pace.waiting.isEmpty() && pace.readyAt(now) - now <= 0) {
            pace.take(now);
            t.paceAdmitted = true;
            return true;
        }
        pace.waiting.addLast(t);
        hold(t, PACED, runner);
        if (pace.waiting.peekFirst() == t) {
            multi.expire(t, Run.EXPIRE_HOLD, pace.readyAt(now));
        }
        return false;
    }

    /**
     * A held transfer's timer fired (or it was woken): true when its hold is over and it goes on
     * from CONNECT (pacing) or SETUP (a retry); false to keep waiting.
     */
    boolean release(Run t, TransferRunner runner) {
        long now = multi.now();
        if (t.hold == RETRY) {
            var timer = t.expiries[Run.EXPIRE_HOLD];
            if (timer != null && now - timer.atNanos() < 0) {
                return false;
            }
            unhold(t, runner, TransferState.SETUP);
            return true;
        }
        Pace pace = paces.get(t.paceKey);
        if (pace.waiting.peekFirst() != t) {
            return false;
        }
        long ready = pace.readyAt(now);
        if (ready - now > 0) {
            multi.expire(t, Run.EXPIRE_HOLD, ready);
            return false;
        }
        pace.waiting.pollFirst();
        pace.take(now);
        t.paceAdmitted = true;
        scheduleHead(pace, now);
        unhold(t, runner, TransferState.CONNECT);
        return true;
    }

    /**
     * A paced transfer's request is about to go out: its key's next start is at least an interval
     * from now, so that the server sees its requests spaced even when this one's DNS, connect or
     * handshake took a while after it was admitted. A waiting transfer whose timer fires before
     * that is timed again by {@link #release}.
     */
    void sending(Run t) {
        Pace pace = t.paceKey == null ? null : paces.get(t.paceKey);
        if (pace != null) {
            pace.sending(multi.now());
        }
    }

    /** Holds a transfer for a retry until {@code atNanos}. */
    void holdForRetry(Run t, long atNanos, TransferRunner runner) {
        hold(t, RETRY, runner);
        multi.expire(t, Run.EXPIRE_HOLD, atNanos);
    }

    /** Blocks {@code key} until {@code untilNanos} (a host's Retry-After); its first waiting transfer is re-timed. */
    void block(String key, String host, long untilNanos) {
        Pace pace = paces.computeIfAbsent(key, k -> new Pace(politeness, host));
        if (untilNanos - pace.blockedUntil > 0) {
            pace.blockedUntil = untilNanos;
            scheduleHead(pace, multi.now());
        }
    }

    /** A 429 or 503 with Retry-After blocks the transfer's key until then, at most the politeness' maxBlock. */
    void blockOnRetryAfter(Run t, TransferRunner runner) {
        var p = t.exchange == null ? null : t.exchange.progress(t);
        if (p == null || (p.status() != 429 && p.status() != 503) || !multi.options().politeness().blockOnRetryAfter()) {
            return;
        }
        Duration wait = dev.multifetch.core.politeness.RetryAfter.parse(p.headers().first("Retry-After").orElse(null),
                System.currentTimeMillis());
        if (wait != null && !wait.isZero()) {
            Duration max = multi.options().politeness().maxBlock();
            long nanos = (wait.compareTo(max) > 0 ? max : wait).toNanos();
            String key = key(t);
            block(key, t.target.origin().host(), multi.now() + nanos);
            runner.listen(t, l -> l.hostBlocked(key, nanos));
        }
    }

    /** Until when {@code key} is blocked, or 0. */
    long blockedUntil(String key) {
        Pace pace = paces.get(key);
        return pace == null ? 0 : pace.blockedUntil;
    }

    /** Takes a transfer that ends or is removed out of its hold; the next of its key gets the timer. */
    void drop(Run t) {
        if (t.hold == PACED) {
            Pace pace = paces.get(t.paceKey);
            boolean head = pace.waiting.peekFirst() == t;
            pace.waiting.remove(t);
            if (head) {
                scheduleHead(pace, multi.now());
            }
        }
        if (t.hold != 0) {
            t.hold = 0;
            held--;
        }
        multi.cancelExpire(t, Run.EXPIRE_HOLD);
    }

    /** Keys paced or blocked now, for dashboards: key, transfers waiting, block left in ms. */
    List<String> describe() {
        long now = multi.now();
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Pace> e : paces.entrySet()) {
            Pace p = e.getValue();
            long blocked = p.blockedUntil - now;
            if (!p.waiting.isEmpty() || blocked > 0) {
                out.add(e.getKey() + " waiting=" + p.waiting.size() + (blocked > 0 ? " blocked=" + blocked / 1_000_000 + "ms" : ""));
            }
        }
        return out;
    }

    private void scheduleHead(Pace pace, long now) {
        Run head = pace.waiting.peekFirst();
        if (head != null) {
            multi.expire(head, Run.EXPIRE_HOLD, pace.readyAt(now));
        }
    }

    private void hold(Run t, int why, TransferRunner runner) {
        t.hold = why;
        held++;
        runner.transition(t, TransferState.PENDING);
    }

    private void unhold(Run t, TransferRunner runner, TransferState next) {
        t.hold = 0;
        held--;
        multi.cancelExpire(t, Run.EXPIRE_HOLD);
        runner.transition(t, next);
    }

    /** One key's pace: when the next start may be, its rate's tokens, its block, its queue. */
    private static final class Pace {
        final long intervalNanos;
        final Rate rate;
        final ArrayDeque<Run> waiting = new ArrayDeque<>(2);
        long nextStart;
        double tokens;
        long tokensAt;
        long blockedUntil;
        boolean fresh = true;

        Pace(Politeness politeness, String host) {
            Politeness.HostRule rule = politeness.ruleFor(host);
            var interval = rule != null ? rule.minInterval() : politeness.minInterval();
            this.intervalNanos = interval == null ? 0 : interval.toNanos();
            this.rate = rule != null ? rule.rate() : politeness.rate();
            this.tokens = rate == null ? 0 : rate.burst();
        }

        long readyAt(long now) {
            if (fresh) {
                nextStart = now;
                tokensAt = now;
                blockedUntil = blockedUntil == 0 ? now : blockedUntil;
                fresh = false;
            }
            long at = nextStart;
            if (blockedUntil - at > 0) {
                at = blockedUntil;
            }
            if (rate != null) {
                refill(now);
                if (tokens < 1) {
                    long tokenAt = now + (long) Math.ceil((1 - tokens) * rate.intervalNanos());
                    if (tokenAt - at > 0) {
                        at = tokenAt;
                    }
                }
            }
            return at;
        }

        void take(long now) {
            nextStart = now + intervalNanos;
            if (rate != null) {
                refill(now);
                tokens -= 1;
            }
        }

        /** A request taken earlier goes out now: no next start before an interval from now. */
        void sending(long now) {
            long next = now + intervalNanos;
            if (next - nextStart > 0) {
                nextStart = next;
            }
        }

        private void refill(long now) {
            long elapsed = now - tokensAt;
            if (elapsed > 0) {
                tokens = Math.min(rate.burst(), tokens + (double) elapsed / rate.intervalNanos());
                tokensAt = now;
            }
        }
    }
}
