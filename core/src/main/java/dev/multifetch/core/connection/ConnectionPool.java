package dev.multifetch.core.connection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Connection slots and the idle-connection cache of one multi handle. A slot is held from the
 * moment a transfer decides to open a connection until that connection closes, so limits count
 * connections still resolving or connecting. Idle connections are found per origin in O(1)
 * (most recently used first) and evicted oldest first. Confined to the driving thread.
 *
 * <p>libcurl: {@code lib/conncache.c} ({@code Curl_cpool_*}), with
 * {@code CURLMOPT_MAX_TOTAL_CONNECTIONS}, {@code _MAX_HOST_CONNECTIONS}, {@code _MAXCONNECTS}.
 */
public final class ConnectionPool {

    private final int maxTotal;
    private final int maxHost;
    private final int maxIdle;
    private final long maxIdleAgeNanos;
    private final long maxLifetimeNanos;
    private final Consumer<Connection> closer;
    private final Map<Origin, ArrayDeque<Connection>> idleByOrigin = new HashMap<>();
    private final LinkedHashSet<Connection> idleOldestFirst = new LinkedHashSet<>();
    private final Map<Origin, Integer> slotsByOrigin = new HashMap<>();
    private int slots;

    /**
     * @param closer closes a connection the pool gives up (evicted or too old); it must call
     *               {@link #unreserve} for it
     */
    public ConnectionPool(int maxTotal, int maxHost, int maxIdle, long maxIdleAgeNanos, long maxLifetimeNanos,
                          Consumer<Connection> closer) {
        this.maxTotal = maxTotal;
        this.maxHost = maxHost;
        this.maxIdle = maxIdle;
        this.maxIdleAgeNanos = maxIdleAgeNanos;
        this.maxLifetimeNanos = maxLifetimeNanos;
        this.closer = closer;
    }

    /** Takes the most recently used idle connection to {@code origin}, closing any too old; null if none. */
    public Connection takeIdle(Origin origin, long nowNanos) {
        ArrayDeque<Connection> idle = idleByOrigin.get(origin);
        while (idle != null && !idle.isEmpty()) {
            Connection c = idle.pollLast();
            idleOldestFirst.remove(c);
            if (idle.isEmpty()) {
                idleByOrigin.remove(origin);
            }
            if (nowNanos - c.idleSinceNanos() < maxIdleAgeNanos && nowNanos - c.createdNanos() < maxLifetimeNanos) {
                return c;
            }
            closer.accept(c);
        }
        return null;
    }

    /**
     * Claims a slot for a new connection to {@code origin} if the limits allow; at the total cap
     * the oldest idle connection is closed to make room, as curl does. Returns false when the
     * transfer must wait.
     */
    public boolean tryReserve(Origin origin) {
        if (maxHost > 0 && slotsByOrigin.getOrDefault(origin, 0) >= maxHost) {
            return false;
        }
        if (maxTotal > 0 && slots >= maxTotal) {
            if (idleOldestFirst.isEmpty()) {
                return false;
            }
            evict(idleOldestFirst.iterator().next());
            if (slots >= maxTotal) {
                return false;
            }
        }
        slots++;
        slotsByOrigin.merge(origin, 1, Integer::sum);
        return true;
    }

    /** Frees the slot of a closed connection or an abandoned attempt. */
    public void unreserve(Origin origin) {
        slots--;
        slotsByOrigin.computeIfPresent(origin, (o, n) -> n == 1 ? null : n - 1);
        assert slots >= 0 : "slots: " + slots;
    }

    /** Puts a connection that finished a request into the cache; the oldest idle ones beyond the cap are closed. */
    public void release(Connection c, long nowNanos) {
        c.markIdle(nowNanos);
        idleByOrigin.computeIfAbsent(c.origin(), o -> new ArrayDeque<>()).addLast(c);
        idleOldestFirst.add(c);
        while (idleOldestFirst.size() > maxIdle) {
            evict(idleOldestFirst.iterator().next());
        }
    }

    /** Takes a dead idle connection out of the cache (the caller closes it); false if it was not idle here. */
    public boolean removeIdle(Connection c) {
        if (!idleOldestFirst.remove(c)) {
            return false;
        }
        ArrayDeque<Connection> idle = idleByOrigin.get(c.origin());
        idle.remove(c);
        if (idle.isEmpty()) {
            idleByOrigin.remove(c.origin());
        }
        return true;
    }

    /** Whether {@code c} is in the cache. */
    public boolean isIdle(Connection c) {
        return idleOldestFirst.contains(c);
    }

    /** Removes and returns every idle connection (the caller closes them). */
    public List<Connection> drainIdle() {
        List<Connection> all = new ArrayList<>(idleOldestFirst);
        idleOldestFirst.clear();
        idleByOrigin.clear();
        return all;
    }

    /** Connections open or opening (slots held). */
    public int slots() {
        return slots;
    }

    /** Idle connections in the cache. */
    public int idleCount() {
        return idleOldestFirst.size();
    }

    private void evict(Connection c) {
        removeIdle(c);
        closer.accept(c);
    }

    /** When the oldest idle connection passes its idle age; only meaningful while {@link #idleCount()} > 0. */
    public long nextIdleExpiry() {
        return idleOldestFirst.iterator().next().idleSinceNanos() + maxIdleAgeNanos;
    }

    /** Closes idle connections whose idle age passed the limit. */
    public void closeExpired(long nowNanos) {
        while (!idleOldestFirst.isEmpty() && nowNanos - nextIdleExpiry() >= 0) {
            evict(idleOldestFirst.iterator().next());
        }
    }
}
