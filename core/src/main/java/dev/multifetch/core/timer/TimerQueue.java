package dev.multifetch.core.timer;

import java.util.TreeSet;

/**
 * Deadlines of many owners, ordered so the earliest is found in O(1) and any one is cancelled
 * in O(log n). Each owner keeps the {@link Expiry} handles it set; the queue keeps them sorted.
 * Not thread-safe: confined to the driving thread of its multi handle.
 *
 * <p>libcurl: the splay tree of per-transfer expiries ({@code lib/splay.c}, {@code Curl_expire}).
 *
 * @param <T> the owner of a deadline
 */
public final class TimerQueue<T> {

    private final TreeSet<Expiry<T>> queue = new TreeSet<>();
    private long sequence;

    /** Sets a deadline at {@code atNanos} for {@code owner}; returns its handle for {@link #cancel}. */
    public Expiry<T> schedule(T owner, int id, long atNanos) {
        Expiry<T> expiry = new Expiry<>(owner, id, atNanos, sequence++);
        queue.add(expiry);
        return expiry;
    }

    /** Cancels a deadline; {@code null} or an already expired handle is ignored. */
    public void cancel(Expiry<T> expiry) {
        if (expiry != null) {
            queue.remove(expiry);
        }
    }

    /** The earliest deadline, or {@code null} when none is set. */
    public Expiry<T> earliest() {
        return queue.isEmpty() ? null : queue.first();
    }

    /** Removes and returns the earliest deadline if it is due at {@code nowNanos}, else {@code null}. */
    public Expiry<T> pollExpired(long nowNanos) {
        Expiry<T> first = earliest();
        if (first == null || first.atNanos() - nowNanos > 0) {
            return null;
        }
        return queue.pollFirst();
    }

    /** The number of deadlines set. */
    public int size() {
        return queue.size();
    }

    /** One deadline: its owner, the owner's id for it, and when it is due. */
    public record Expiry<T>(T owner, int id, long atNanos, long sequence) implements Comparable<Expiry<T>> {

        @Override
        public int compareTo(Expiry<T> other) {
            int byTime = Long.compare(atNanos - other.atNanos, 0);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
