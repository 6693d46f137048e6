package dev.multifetch.core.politeness;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many retries a key (and the engine as a whole) may make now: {@code ratio} of the requests
 * started over the last ten seconds plus a floor of {@code floor} per second, minus the retries
 * already made in that window (Finagle's retry budget, Envoy's retry budget). Counted in
 * one-second buckets; keys not seen for a window are forgotten first when too many are kept.
 * Driving thread only.
 */
public final class RetryBudget {

    private static final int SECONDS = 10;
    private static final int MAX_KEYS = 10_000;

    private final double ratio;
    private final int floor;
    private final Window all = new Window();
    private final Map<String, Window> byKey = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_KEYS;
        }
    };
    private long refused;

    /** A budget of {@code ratio} of recent requests plus {@code floor} retries a second. */
    public RetryBudget(double ratio, int floor) {
        this.ratio = ratio;
        this.floor = floor;
    }

    /** Counts a request started to {@code key}. */
    public void request(String key, long nowNanos) {
        all.add(nowNanos, true);
        byKey.computeIfAbsent(key, k -> new Window()).add(nowNanos, true);
    }

    /** Takes one retry from the budget of {@code key} and the engine's; false (and counted) when either is spent. */
    public boolean tryRetry(String key, long nowNanos) {
        Window w = byKey.computeIfAbsent(key, k -> new Window());
        if (!w.allows(nowNanos, ratio, floor) || !all.allows(nowNanos, ratio, floor)) {
            refused++;
            return false;
        }
        w.add(nowNanos, false);
        all.add(nowNanos, false);
        return true;
    }

    /** Retries refused by the budget so far. */
    public long refused() {
        return refused;
    }

    /** Requests and retries per one-second bucket over the last {@value #SECONDS} seconds. */
    private static final class Window {
        private final long[] second = new long[SECONDS];
        private final int[] requests = new int[SECONDS];
        private final int[] retries = new int[SECONDS];

        void add(long nowNanos, boolean request) {
            long s = nowNanos / 1_000_000_000L;
            int i = (int) Math.floorMod(s, SECONDS);
            if (second[i] != s) {
                second[i] = s;
                requests[i] = 0;
                retries[i] = 0;
            }
            if (request) {
                requests[i]++;
            } else {
                retries[i]++;
            }
        }

        boolean allows(long nowNanos, double ratio, int floor) {
            long s = nowNanos / 1_000_000_000L;
            long req = 0;
            long ret = 0;
            for (int i = 0; i < SECONDS; i++) {
                if (s - second[i] < SECONDS && s - second[i] >= 0) {
                    req += requests[i];
                    ret += retries[i];
                }
            }
            return ret < (long) floor * SECONDS + (long) Math.floor(ratio * req);
        }
    }
}
