package dev.multifetch.autoconfigure.kafka;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import dev.multifetch.core.politeness.RegistrableDomain;

import org.apache.kafka.common.utils.Utils;

/**
 * Where a job or result goes: a job's key is its politeness key (the lower-case ASCII host of its
 * URL, IDNA for a non-ASCII name, without port or brackets; or that host's registrable domain),
 * and every record's partition is Kafka's own choice for its key ({@code murmur2(key) % n}, as the
 * default partitioner), computed here and set explicitly, so a custom producer partitioner cannot
 * split a host over two workers and a reader knows a batch's results partition without asking.
 */
public final class JobRouting {

    /** The key of a URL without a usable host: such jobs are refused by the handler anyway. */
    static final String NO_HOST = "-";

    private final MultifetchKafkaProperties.KeyBy keyBy;

    public JobRouting(MultifetchKafkaProperties.KeyBy keyBy) {
        this.keyBy = keyBy;
    }

    /** The politeness key of {@code url}. */
    public String key(String url) {
        String host = host(url);
        if (host.equals(NO_HOST) || this.keyBy == MultifetchKafkaProperties.KeyBy.HOST) {
            return host;
        }
        return RegistrableDomain.of(host);
    }

    /** The lower-case ASCII host of {@code url}, or {@value #NO_HOST}. */
    static String host(String url) {
        if (url == null) {
            return NO_HOST;
        }
        String host;
        try {
            URI uri = new URI(url);
            host = (uri.getHost() != null) ? uri.getHost() : authorityHost(uri.getRawAuthority());
        } catch (URISyntaxException ex) {
            return NO_HOST;
        }
        if (host == null || host.isEmpty()) {
            return NO_HOST;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            return host.substring(1, host.length() - 1).toLowerCase(Locale.ROOT);
        }
        try {
            String ascii = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            return ascii.endsWith(".") ? ascii.substring(0, ascii.length() - 1) : ascii;
        } catch (IllegalArgumentException ex) {
            return NO_HOST;
        }
    }

    /** The host of an authority {@link URI} did not parse as a server (a non-ASCII name). */
    private static String authorityHost(String authority) {
        if (authority == null) {
            return null;
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        return (colon > 0 && !hostPort.endsWith("]")) ? hostPort.substring(0, colon) : hostPort;
    }

    /** The partition of {@code key} among {@code partitions}: Kafka's default partitioner's choice. */
    public static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
