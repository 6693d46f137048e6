package dev.multifetch.sample.guard;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A configured list of targets: host names ({@code example.com}; {@code *.example.com} for every
 * name below it) and addresses or CIDR ranges ({@code 203.0.113.7}, {@code 10.1.0.0/16}).
 */
final class TargetList {

    private final List<String> exactHosts = new ArrayList<>();
    private final List<String> hostSuffixes = new ArrayList<>();
    private final List<Cidr> ranges = new ArrayList<>();

    /**
     * Parses {@code entries}; {@code property} names the list in errors.
     *
     * @throws IllegalArgumentException naming the property and the entry that is neither a host
     *     name nor an IP range
     */
    TargetList(String property, List<String> entries) {
        for (String raw : entries) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.startsWith("*.") && isHostName(entry.substring(2))) {
                this.hostSuffixes.add(entry.substring(1));
            } else if (IpLiterals.looksLikeIpv4(entry.replaceFirst("/\\d*$", "")) || entry.indexOf(':') >= 0) {
                try {
                    this.ranges.add(Cidr.parse(entry));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(property + ": " + ex.getMessage(), ex);
                }
            } else if (isHostName(entry)) {
                this.exactHosts.add(UrlGate.normalizeHost(entry));
            } else {
                throw new IllegalArgumentException(property + ": not a host name, *.domain, IP address or CIDR range: \"" + raw + "\"");
            }
        }
    }

    boolean isEmpty() {
        return this.exactHosts.isEmpty() && this.hostSuffixes.isEmpty() && this.ranges.isEmpty();
    }

    boolean hasRanges() {
        return !this.ranges.isEmpty();
    }

    /** The entry naming {@code host} (normalized: lower case, no trailing dot), if one does. */
    Optional<String> matchHost(String host) {
        if (this.exactHosts.contains(host)) {
            return Optional.of(host);
        }
        return this.hostSuffixes.stream().filter(host::endsWith).findFirst().map((suffix) -> "*" + suffix);
    }

    /** The range holding {@code address}, if one does. */
    Optional<String> matchAddress(InetAddress address) {
        return this.ranges.stream().filter((range) -> range.contains(address)).findFirst().map(Cidr::toString);
    }

    private static boolean isHostName(String text) {
        String host = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            boolean valid = !label.isEmpty() && label.length() <= 63 && !label.startsWith("-") && !label.endsWith("-")
                    && label.chars().allMatch((c) -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
            if (!valid) {
                return false;
            }
        }
        return true;
    }
}
