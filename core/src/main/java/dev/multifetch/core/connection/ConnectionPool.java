package dev.multifetch.core.connection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Connection slots and the idle-connection cache of one multi handle. A slot is held from the
 * moment a transfer decides to open a connection until that connection closes, so limits count
 * connections still resolving or connecting. Idle connections are found per origin in O(1)
 * (most recently used first) and evicted oldest first, through a list threaded through the
 * connections themselves: caching, taking and evicting allocate nothing. Confined to the driving
 * thread.
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
    private Connection oldestIdle;
    private Connection newestIdle;
    private int idleCount;
    private final Map<Origin, Integer> slotsByOrigin = new HashMap<>();
    private int slots;
    private final Map<Origin, ArrayList<Connection>> multiplexedByOrigin = new HashMap<>();
    private final Map<Origin, Integer> multiplexSetups = new HashMap<>();
    /** Origins seen closing connections right after a response without saying so: their idle ones are probed before reuse. */
    private final Map<Origin, Boolean> closeSilently = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Origin, Boolean> eldest) {
            return size() > 1024;
        }
    };
    private final java.nio.ByteBuffer probe = java.nio.ByteBuffer.allocate(1);

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
            // an emptied stack stays while the origin holds slots: its connection usually comes back
            Connection c = idle.pollLast();
            unlink(c);
            if (nowNanos - c.idleSinceNanos() < maxIdleAgeNanos && nowNanos - c.createdNanos() < maxLifetimeNanos
                    && (!closeSilently.containsKey(origin) || alive(c))) {
                return c;
            }
            closer.accept(c);
        }
        return null;
    }

    /**
     * Reserves a stream on a multiplexed (HTTP/2) connection to {@code origin} with room for one
     * more, the least loaded first; null if none has room. A connection that sat idle leaves the
     * idle list.
     */
    public Connection takeStream(Origin origin) {
        ArrayList<Connection> list = multiplexedByOrigin.get(origin);
        if (list == null) {
            return null;
        }
        Connection best = null;
        for (Connection c : list) {
            if (c.http2().hasCapacity() && (best == null || c.http2().load() < best.http2().load())) {
                best = c;
            }
        }
        if (best != null) {
            best.http2().reserve();
            if (best.idle) {
                unlink(best);
            }
        }
        return best;
    }

    /**
     * Remembers that {@code origin} closed a reused connection before answering on it (as
     * tinyproxy does after every response, without {@code Connection: close}): from now on its
     * idle connections are probed before reuse, so a request is not spent on a dead one.
     */
    public void closesSilently(Origin origin) {
        closeSilently.put(origin, Boolean.TRUE);
    }

    /**
     * Whether an idle connection is still open: one non-blocking read of the socket, as curl's
     * liveness check peeks. The end of input, an error or any byte (nothing may arrive on an
     * idle connection) means it is not.
     */
    private boolean alive(Connection c) {
        try {
            probe.clear();
            return c.channel().read(probe) == 0 && !c.transport().hasBufferedInput();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Lists {@code c}, now carrying HTTP/2, among the multiplexed connections of its origin. */
    public void addMultiplexed(Connection c) {
        if (!c.multiplexed) {
            c.multiplexed = true;
            multiplexedByOrigin.computeIfAbsent(c.origin(), o -> new ArrayList<>(2)).add(c);
        }
    }

    /** Takes {@code c} off the multiplexed list (it drains after GOAWAY, or closes). */
    public void removeMultiplexed(Connection c) {
        if (c.multiplexed) {
            c.multiplexed = false;
            ArrayList<Connection> list = multiplexedByOrigin.get(c.origin());
            list.remove(c);
            if (list.isEmpty()) {
                multiplexedByOrigin.remove(c.origin());
            }
        }
    }

    /**
     * A multiplexed connection whose last stream ended: it joins the idle list (for expiry and
     * eviction) while staying on the multiplexed list, where transfers find it.
     */
    public void releaseMultiplexed(Connection c, long nowNanos) {
        c.markIdle(nowNanos);
        linkIdle(c);
    }

    /** A connection that may turn out to multiplex is being set up for {@code origin} (curl's PIPEWAIT). */
    public void multiplexSetupStarted(Origin origin) {
        multiplexSetups.merge(origin, 1, Integer::sum);
    }

    /** That setup ended: its protocol is known, or it failed. */
    public void multiplexSetupEnded(Origin origin) {
        multiplexSetups.computeIfPresent(origin, (o, n) -> n > 1 ? n - 1 : null);
    }

    /** Whether a connection that may multiplex is being set up for {@code origin}. */
    public boolean multiplexSetupPending(Origin origin) {
        return multiplexSetups.containsKey(origin);
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
            if (oldestIdle == null) {
                return false;
            }
            evict(oldestIdle);
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
        Integer held = slotsByOrigin.get(origin);
        if (held != null && held > 1) {
            slotsByOrigin.put(origin, held - 1);
        } else if (held != null) {
            slotsByOrigin.remove(origin);
            // no connection of the origin is left, so none is idle: forget its (empty) stack
            idleByOrigin.remove(origin);
        }
        assert slots >= 0 : "slots: " + slots;
    }

    /** Puts a connection that finished a request into the cache; the oldest idle ones beyond the cap are closed. */
    public void release(Connection c, long nowNanos) {
        c.markIdle(nowNanos);
        ArrayDeque<Connection> idle = idleByOrigin.get(c.origin());
        if (idle == null) {
            idle = new ArrayDeque<>(4);
            idleByOrigin.put(c.origin(), idle);
        }
        idle.addLast(c);
        linkIdle(c);
    }

    private void linkIdle(Connection c) {
        c.idle = true;
        c.idlePrevious = newestIdle;
        if (newestIdle == null) {
            oldestIdle = c;
        } else {
            newestIdle.idleNext = c;
        }
        newestIdle = c;
        idleCount++;
        while (idleCount > maxIdle) {
            evict(oldestIdle);
        }
    }

    /** Takes a dead idle connection out of the cache (the caller closes it); false if it was not idle here. */
    public boolean removeIdle(Connection c) {
        if (!c.idle) {
            return false;
        }
        unlink(c);
        if (!c.multiplexed && c.http2() == null) {
            idleByOrigin.get(c.origin()).remove(c);
        }
        return true;
    }

    private void unlink(Connection c) {
        if (c.idlePrevious == null) {
            oldestIdle = c.idleNext;
        } else {
            c.idlePrevious.idleNext = c.idleNext;
        }
        if (c.idleNext == null) {
            newestIdle = c.idlePrevious;
        } else {
            c.idleNext.idlePrevious = c.idlePrevious;
        }
        c.idlePrevious = null;
        c.idleNext = null;
        c.idle = false;
        idleCount--;
    }

    /** Whether {@code c} is in the cache. */
    public boolean isIdle(Connection c) {
        return c.idle;
    }

    /** Removes and returns every idle connection (the caller closes them). */
    public List<Connection> drainIdle() {
        List<Connection> all = new ArrayList<>(idleCount);
        while (oldestIdle != null) {
            Connection c = oldestIdle;
            unlink(c);
            all.add(c);
        }
        idleByOrigin.values().forEach(ArrayDeque::clear);
        return all;
    }

    /** Connections open or opening (slots held). */
    public int slots() {
        return slots;
    }

    /** Idle connections in the cache. */
    public int idleCount() {
        return idleCount;
    }

    private void evict(Connection c) {
        removeIdle(c);
        closer.accept(c);
    }

    /** When the oldest idle connection passes its idle age; only meaningful while {@link #idleCount()} > 0. */
    public long nextIdleExpiry() {
        return oldestIdle.idleSinceNanos() + maxIdleAgeNanos;
    }

    /** Closes idle connections whose idle age passed the limit. */
    public void closeExpired(long nowNanos) {
        while (oldestIdle != null && nowNanos - nextIdleExpiry() >= 0) {
            evict(oldestIdle);
        }
    }
}
