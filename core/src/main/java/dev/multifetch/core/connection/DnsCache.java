package dev.multifetch.core.connection;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolved addresses kept for a while so repeated transfers to one host skip the lookup.
 * Bounded in size (oldest entry dropped) and in time. Driving thread only.
 * libcurl: the multi's DNS cache, {@code CURLOPT_DNS_CACHE_TIMEOUT}.
 */
public final class DnsCache {

    private static final int MAX_ENTRIES = 10_000;

    private record Entry(List<InetAddress> addresses, long expiresAtNanos) {
    }

    private final long ttlNanos;
    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** A cache keeping answers for {@code ttlNanos}; 0 keeps nothing. */
    public DnsCache(long ttlNanos) {
        this.ttlNanos = ttlNanos;
    }

    /** The cached addresses of {@code host}, or null when absent or expired. */
    public List<InetAddress> get(String host, long nowNanos) {
        String key = host.toLowerCase(Locale.ROOT);
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (nowNanos - e.expiresAtNanos() >= 0) {
            entries.remove(key);
            return null;
        }
        return e.addresses();
    }

    /** Keeps {@code addresses} for {@code host}. */
    public void put(String host, List<InetAddress> addresses, long nowNanos) {
        if (ttlNanos > 0 && !addresses.isEmpty()) {
            entries.put(host.toLowerCase(Locale.ROOT), new Entry(List.copyOf(addresses), nowNanos + ttlNanos));
        }
    }

    /** Forgets every answer. */
    public void clear() {
        entries.clear();
    }
}
