package dev.multifetch.core.multi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Transfers waiting for a connection slot: first come, first served across all origins, kept in
 * one queue per origin so that waking them costs per origin, not per waiting transfer. Driving
 * thread only.
 *
 * @param <K> the origin key
 * @param <T> a waiting transfer
 */
public final class PendingQueue<K, T> {

    private record Entry<T>(T item, long seq) {
    }

    private final Map<K, ArrayDeque<Entry<T>>> byKey = new HashMap<>();
    private long sequence;
    private int size;

    /** Adds {@code item} behind everything that waits already. */
    public void add(K key, T item) {
        byKey.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(new Entry<>(item, sequence++));
        size++;
    }

    /** Removes {@code item} (it gave up waiting); false if it was not waiting. */
    public boolean remove(K key, T item) {
        ArrayDeque<Entry<T>> queue = byKey.get(key);
        if (queue == null || !queue.removeIf(e -> e.item() == item)) {
            return false;
        }
        if (queue.isEmpty()) {
            byKey.remove(key);
        }
        size--;
        return true;
    }

    /** Transfers waiting. */
    public int size() {
        return size;
    }

    /**
     * Offers slots to the transfers waiting for the origins {@code keys} only, oldest first within
     * each: enough when only those origins' limits changed (no total cap is in play).
     */
    public List<T> wake(Iterable<K> keys, Predicate<T> claim) {
        List<T> woken = new ArrayList<>();
        for (K key : keys) {
            ArrayDeque<Entry<T>> queue = byKey.get(key);
            while (queue != null && !queue.isEmpty() && claim.test(queue.peekFirst().item())) {
                woken.add(queue.pollFirst().item());
                size--;
            }
            if (queue != null && queue.isEmpty()) {
                byKey.remove(key);
            }
        }
        return woken;
    }

    /**
     * Offers slots to the waiting transfers, oldest first: {@code claim} tries to give one a
     * connection or slot and says whether it did. An origin whose oldest transfer could not claim
     * is skipped from then on (its others would fail the same way). Returns those that claimed.
     */
    public List<T> wake(Predicate<T> claim) {
        List<T> woken = new ArrayList<>();
        Set<K> blocked = new HashSet<>();
        while (blocked.size() < byKey.size()) {
            K oldest = null;
            long oldestSeq = Long.MAX_VALUE;
            for (Map.Entry<K, ArrayDeque<Entry<T>>> e : byKey.entrySet()) {
                long seq = e.getValue().peekFirst().seq();
                if (!blocked.contains(e.getKey()) && seq < oldestSeq) {
                    oldest = e.getKey();
                    oldestSeq = seq;
                }
            }
            ArrayDeque<Entry<T>> queue = byKey.get(oldest);
            if (!claim.test(queue.peekFirst().item())) {
                blocked.add(oldest);
                continue;
            }
            woken.add(queue.pollFirst().item());
            size--;
            if (queue.isEmpty()) {
                byKey.remove(oldest);
            }
        }
        return woken;
    }
}
