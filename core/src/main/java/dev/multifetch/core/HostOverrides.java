package dev.multifetch.core;

import dev.multifetch.core.MultiOptions.HostPort;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The fixed addresses (libcurl: CURLOPT_RESOLVE) and connect-to targets (CURLOPT_CONNECT_TO) of
 * {@link MultiOptions}, keyed by lower-case host and port. Filled by its builder, which checks
 * each entry; then copied into the options, which only read it.
 */
final class HostOverrides {

    private final Map<String, List<InetAddress>> addresses;
    private final Map<String, HostPort> connectTo;

    HostOverrides() {
        this(new HashMap<>(), new HashMap<>());
    }

    private HostOverrides(Map<String, List<InetAddress>> addresses, Map<String, HostPort> connectTo) {
        this.addresses = addresses;
        this.connectTo = connectTo;
    }

    /** An unmodifiable copy. */
    HostOverrides copy() {
        return new HostOverrides(Map.copyOf(addresses), Map.copyOf(connectTo));
    }

    /** Adds every entry of {@code other}. */
    void putAll(HostOverrides other) {
        addresses.putAll(other.addresses);
        connectTo.putAll(other.connectTo);
    }

    void resolve(String host, int port, InetAddress... pinned) {
        Objects.requireNonNull(host, "host");
        Checks.port(port);
        if (pinned.length == 0) {
            throw new IllegalArgumentException("resolve " + host + ":" + port + ": no address");
        }
        addresses.put(key(host, port), List.of(pinned));
    }

    void connectTo(String host, int port, String toHost, int toPort) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(toHost, "toHost");
        Checks.port(port);
        Checks.port(toPort);
        connectTo.put(key(host, port), new HostPort(toHost, toPort));
    }

    List<InetAddress> addresses(String host, int port) {
        return addresses.get(key(host, port));
    }

    HostPort connectTo(String host, int port) {
        return connectTo.get(key(host, port));
    }

    private static String key(String host, int port) {
        return host.toLowerCase(Locale.ROOT) + ":" + port;
    }
}
