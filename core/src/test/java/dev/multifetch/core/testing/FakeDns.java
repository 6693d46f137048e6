package dev.multifetch.core.testing;

import dev.multifetch.core.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link HostResolver} that answers from a fixed table and records every lookup, so a test can
 * count lookups or prove there was none. A name not in the table fails with
 * {@link UnknownHostException}. Thread-safe: the engine calls it on its resolver threads.
 */
public final class FakeDns implements HostResolver {

    private final Map<String, List<InetAddress>> table = new HashMap<>();
    private final List<String> lookups = new ArrayList<>();

    /** A resolver that knows no name: any lookup fails, and shows in {@link #lookups()}. */
    public static FakeDns none() {
        return new FakeDns();
    }

    /** A resolver answering {@code host} with {@code addresses}, IP literals such as {@code "::1"}. */
    public static FakeDns answering(String host, String... addresses) {
        return new FakeDns().with(host, addresses);
    }

    /** Adds {@code host} with {@code addresses}, in the order they are to be tried. */
    public synchronized FakeDns with(String host, String... addresses) {
        List<InetAddress> list = new ArrayList<>();
        for (String a : addresses) {
            list.add(ip(a));
        }
        table.put(host.toLowerCase(Locale.ROOT), List.copyOf(list));
        return this;
    }

    /** Every name looked up so far, in order. */
    public synchronized List<String> lookups() {
        return List.copyOf(lookups);
    }

    @Override
    public synchronized InetAddress[] resolve(String host) throws UnknownHostException {
        lookups.add(host);
        List<InetAddress> found = table.get(host.toLowerCase(Locale.ROOT));
        if (found == null) {
            throw new UnknownHostException(host + " (not in the test's DNS table)");
        }
        return found.toArray(InetAddress[]::new);
    }

    /** The address of an IP literal; no lookup happens. */
    public static InetAddress ip(String literal) {
        if (!Character.isDigit(literal.charAt(0)) && literal.charAt(0) != ':') {
            throw new IllegalArgumentException("not an IP literal: " + literal);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + literal, e);
        }
    }
}
