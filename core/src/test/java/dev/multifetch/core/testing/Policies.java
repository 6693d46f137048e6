package dev.multifetch.core.testing;

import dev.multifetch.core.ConnectPolicy;
import dev.multifetch.core.ProxyConfig;
import java.net.InetSocketAddress;

/** Connect policies the proxy tests judge targets with. */
public final class Policies {

    private Policies() {
    }

    /** Any proxy allowed; a loopback target denied with {@code reason}; names a proxy resolves denied (the default). */
    public static ConnectPolicy noLoopbackTargets(String reason) {
        return new ConnectPolicy() {
            @Override
            public Verdict check(String host, InetSocketAddress address) {
                return address.getAddress().isLoopbackAddress() ? Verdict.deny(reason) : Verdict.ALLOW;
            }

            @Override
            public Verdict checkProxy(ProxyConfig proxy, InetSocketAddress address) {
                return Verdict.ALLOW;
            }
        };
    }
}
