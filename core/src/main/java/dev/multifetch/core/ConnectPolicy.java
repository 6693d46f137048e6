package dev.multifetch.core;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Decides, before every TCP connect (each address tried, each redirect hop), whether the engine
 * may connect to a resolved address. Because the address checked is the very address connected
 * to, a guard built on it is safe against DNS rebinding. A denied address is skipped; when every
 * address is denied the transfer ends with {@link FetchError#COULDNT_CONNECT} and the message
 * "denied by connect policy: ...". Called on the driving thread: must not block.
 *
 * <p>libcurl: {@code CURLOPT_OPENSOCKETFUNCTION} returning {@code CURL_SOCKET_BAD}.
 */
@FunctionalInterface
public interface ConnectPolicy {

    /** The policy that allows every address. */
    ConnectPolicy ALLOW_ALL = (host, address) -> Verdict.ALLOW;

    /**
     * Judges one connect.
     *
     * @param host    the host name of the URL (or of the connect-to override)
     * @param address the resolved address and port about to be connected to
     */
    Verdict check(String host, InetSocketAddress address);

    /** Allowed, or denied with a reason that ends up in the error message. */
    record Verdict(boolean allowed, String reason) {

        /** Connect. */
        public static final Verdict ALLOW = new Verdict(true, "");

        /** Do not connect, because of {@code reason}. */
        public static Verdict deny(String reason) {
            return new Verdict(false, Objects.requireNonNull(reason, "reason"));
        }
    }
}
