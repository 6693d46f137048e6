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
 * <p>Through a proxy the policy is asked twice: about the proxy ({@link #checkProxy}, before
 * connecting to it) and about the target. Where the engine resolves the target (socks4, socks5) or
 * the target is an IP literal, {@link #check} judges its address, and that address is the one the
 * proxy is asked to reach. Where the proxy resolves the name (an HTTP proxy, socks4a, socks5h) the
 * engine never sees the address: {@link #checkProxyResolved} decides whether that is acceptable,
 * and by default it is not, unless the policy is {@link #ALLOW_ALL}.
 *
 * <p>libcurl: {@code CURLOPT_OPENSOCKETFUNCTION} returning {@code CURL_SOCKET_BAD}.
 */
@FunctionalInterface
public interface ConnectPolicy {

    /** The policy that allows every address, proxies, and targets that proxies resolve. */
    ConnectPolicy ALLOW_ALL = new ConnectPolicy() {
        @Override
        public Verdict check(String host, InetSocketAddress address) {
            return Verdict.ALLOW;
        }

        @Override
        public Verdict checkProxyResolved(String host, int port, ProxyConfig proxy) {
            return Verdict.ALLOW;
        }

        @Override
        public String toString() {
            return "ConnectPolicy.ALLOW_ALL";
        }
    };

    /**
     * Judges one connect.
     *
     * @param host    the host name of the URL (or of the connect-to override)
     * @param address the resolved address and port about to be connected to
     */
    Verdict check(String host, InetSocketAddress address);

    /**
     * Judges connecting to a proxy at {@code address}. By default the same rules as any
     * connect: {@link #check} with the proxy's host name.
     */
    default Verdict checkProxy(ProxyConfig proxy, InetSocketAddress address) {
        return check(proxy.host(), address);
    }

    /**
     * Judges a target named to a proxy that resolves it (an HTTP proxy, socks4a, socks5h): the
     * engine never sees the address, so rules on addresses cannot hold. Denied by default; allow
     * it when the proxy is itself an egress guard (such as smokescreen) that you trust.
     *
     * @param host  the target's host name, as the proxy will see it
     * @param port  the target's port
     * @param proxy the proxy that resolves it
     */
    default Verdict checkProxyResolved(String host, int port, ProxyConfig proxy) {
        return Verdict.deny("the proxy " + proxy.display() + " would resolve " + host
                + " itself, where this policy cannot check the address (allow it in ConnectPolicy.checkProxyResolved"
                + " only when the proxy is a trusted egress guard)");
    }

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
