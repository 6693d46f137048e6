package dev.multifetch.core;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns a host name into addresses. Called on the multi handle's resolver threads, never on the
 * driving thread, so it may block. libcurl: the threaded resolver.
 */
@FunctionalInterface
public interface HostResolver {

    /** The system resolver, {@link InetAddress#getAllByName}. */
    HostResolver SYSTEM = InetAddress::getAllByName;

    /** Every address of {@code host}, in the order to try them; throws if there is none. */
    InetAddress[] resolve(String host) throws UnknownHostException;
}
