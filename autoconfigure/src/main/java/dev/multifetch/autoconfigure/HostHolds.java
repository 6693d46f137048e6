package dev.multifetch.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Transfer;

/**
 * The hosts the engine holds back now, learnt from its events: those a 429 or 503 with
 * {@code Retry-After} blocked ({@link FetchListener#hostBlocked}, by the politeness key: an origin
 * such as {@code https://example.com:443} unless {@code multifetch.politeness.key} says otherwise),
 * and per origin the transfers waiting to start (paced, blocked, or waiting for a connection
 * slot: the engine's events do not tell these apart), a retry's backoff not counted. A block
 * expires by time, whoever reads. For the health indicator, the {@code multifetch.hosts.blocked}
 * gauge and dashboards.
 *
 * <p>Events arrive on the selector thread, reads come from any thread: thread-safe, and each
 * event is a map operation or two.
 */
public final class HostHolds implements FetchListener {

    /** Past this many blocks, expired ones are dropped as new ones come, should nobody read. */
    private static final int PRUNE_ABOVE = 1_024;

    /**
     * A host blocked now.
     *
     * @param key the politeness key blocked: an origin, a registrable domain or an address
     * @param left how long the block still holds
     */
    public record Blocked(String key, Duration left) {
    }

    private final LongSupplier nanoTime;

    /** Each blocked key and until when, on {@link #nanoTime}. */
    private final Map<String, Long> blockedUntil = new ConcurrentHashMap<>();

    /** Transfers waiting to start per origin. */
    private final Map<String, Integer> waiting = new ConcurrentHashMap<>();

    /** The origin each waiting transfer is counted under; weak, should its end never be heard. */
    private final Map<Transfer, String> waitingAt = Collections.synchronizedMap(new WeakHashMap<>());

    /** Transfers whose next wait is a retry's backoff, not a wait to start. */
    private final Set<Transfer> backingOff = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** Holds on the JVM's monotonic clock. */
    public HostHolds() {
        this(System::nanoTime);
    }

    /** Holds on {@code nanoTime}, a monotonic clock in nanoseconds. */
    public HostHolds(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The hosts blocked now, the longest block first; expired blocks are dropped. */
    public List<Blocked> blocked() {
        long now = this.nanoTime.getAsLong();
        dropExpired(now);
        return this.blockedUntil.entrySet()
            .stream()
            .map((entry) -> new Blocked(entry.getKey(), Duration.ofNanos(Math.max(0, entry.getValue() - now))))
            .filter((blocked) -> !blocked.left().isZero())
            .sorted(Comparator.comparing(Blocked::left).reversed().thenComparing(Blocked::key))
            .toList();
    }

    /** How many hosts are blocked now. */
    public int blockedCount() {
        dropExpired(this.nanoTime.getAsLong());
        return this.blockedUntil.size();
    }

    /** Transfers waiting to start now, per origin ({@code scheme://host:port}), in order of the origins. */
    public Map<String, Integer> waiting() {
        return Collections.unmodifiableMap(new TreeMap<>(this.waiting));
    }

    @Override
    public void hostBlocked(String key, long nanos) {
        long now = this.nanoTime.getAsLong();
        this.blockedUntil.merge(key, now + nanos, (old, until) -> (until - old > 0) ? until : old);
        if (this.blockedUntil.size() > PRUNE_ABOVE) {
            dropExpired(now);
        }
    }

    @Override
    public void retryScheduled(Transfer transfer, int attempt, long delayNanos, String reason) {
        this.backingOff.add(transfer);
    }

    @Override
    public void transferQueued(Transfer transfer) {
        if (this.backingOff.remove(transfer)) {
            return;
        }
        String origin = origin(transfer.request().url());
        if (this.waitingAt.put(transfer, origin) == null) {
            this.waiting.merge(origin, 1, Integer::sum);
        }
    }

    @Override
    public void transferDequeued(Transfer transfer, long queuedNanos) {
        started(transfer);
    }

    @Override
    public void transferDone(Transfer transfer, FetchResponse response) {
        ended(transfer);
    }

    @Override
    public void transferFailed(Transfer transfer, FetchException failure) {
        ended(transfer);
    }

    private void ended(Transfer transfer) {
        this.backingOff.remove(transfer);
        started(transfer);
    }

    /** The transfer waits no more: its origin counts one fewer, and goes at zero. */
    private void started(Transfer transfer) {
        String origin = this.waitingAt.remove(transfer);
        if (origin != null) {
            this.waiting.computeIfPresent(origin, (key, count) -> (count > 1) ? count - 1 : null);
        }
    }

    private void dropExpired(long now) {
        this.blockedUntil.values().removeIf((until) -> until - now <= 0);
    }

    /** {@code scheme://host:port} of {@code url}, the form of the engine's default politeness key; the URL itself if it has no host. */
    static String origin(String url) {
        try {
            URI uri = URI.create(url);
            String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "http";
            if (uri.getHost() == null) {
                return url;
            }
            int port = (uri.getPort() != -1) ? uri.getPort() : (scheme.equals("https") ? 443 : 80);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        }
        catch (IllegalArgumentException ex) {
            return url;
        }
    }
}
