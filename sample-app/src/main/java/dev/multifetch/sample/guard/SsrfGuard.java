package dev.multifetch.sample.guard;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.multifetch.core.ConnectPolicy;
import dev.multifetch.core.ProxyConfig;

/**
 * The sample app's SSRF guard: the engine's {@link ConnectPolicy}, so it judges the very address
 * about to be connected to, on every connect of every transfer and every redirect hop. That makes
 * it safe against DNS rebinding: whatever a name resolved to before, only the address checked
 * here is connected to.
 *
 * <p>In order: the app's own ports on this machine are always denied; then the deny-list (hosts
 * and ranges); then an allow-list range opens its addresses; a non-empty allow-list denies every
 * host it does not name; last, only {@link AddressKind#PUBLIC} addresses pass, plus loopback,
 * private and unique-local ones when private networks are allowed. Thread-safe, never blocks.
 *
 * <p>Through a proxy: the proxy named in {@code multifetch.proxy.url} is operator configuration,
 * so its address is allowed even when loopback or private; any other proxy is denied. A target
 * the engine resolves (socks4, socks5) or an IP literal is judged by {@link #check} as if direct,
 * before the proxy is asked to reach it. A target name the proxy would resolve itself (an http or
 * https proxy, socks4a, socks5h) escapes the address rules, so it is denied unless the proxy is
 * {@linkplain ConfiguredProxy#trusted() trusted}; then the host lists still apply by name.
 */
public final class SsrfGuard implements ConnectPolicy {

    private final boolean allowPrivateNetworks;
    private final TargetList allow;
    private final TargetList deny;
    private final Set<InetAddress> localAddresses;
    private final Set<Integer> selfPorts = ConcurrentHashMap.newKeySet();
    private final ConfiguredProxy proxy;

    /**
     * A guard for direct connections: every proxy is denied.
     *
     * @throws IllegalArgumentException if an allow or deny entry is neither a host nor an IP range
     */
    public SsrfGuard(boolean allowPrivateNetworks, List<String> allow, List<String> deny) {
        this(allowPrivateNetworks, allow, deny, ConfiguredProxy.NONE);
    }

    /**
     * A guard that lets the engine use {@code proxy}, and no other.
     *
     * @throws IllegalArgumentException if an allow or deny entry is neither a host nor an IP range
     */
    public SsrfGuard(boolean allowPrivateNetworks, List<String> allow, List<String> deny, ConfiguredProxy proxy) {
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.allow = new TargetList("multifetch.sample.allow", allow);
        this.deny = new TargetList("multifetch.sample.deny", deny);
        this.localAddresses = interfaceAddresses();
        this.proxy = proxy;
    }

    /** Denies connections to {@code port} on this machine from now on: a port the app listens on. */
    public void addSelfPort(int port) {
        this.selfPorts.add(port);
    }

    @Override
    public Verdict check(String host, InetSocketAddress address) {
        return denial(UrlGate.normalizeHost(host), address.getAddress(), address.getPort())
            .map(Verdict::deny)
            .orElse(Verdict.ALLOW);
    }

    @Override
    public Verdict checkProxy(ProxyConfig proxy, InetSocketAddress address) {
        if (this.proxy.is(proxy)) {
            return Verdict.ALLOW;
        }
        return Verdict.deny("the proxy " + proxy.display() + " is not the one named in multifetch.proxy.url ("
                + Objects.requireNonNullElse(this.proxy.display(), "none") + "), the only proxy this guard allows");
    }

    @Override
    public Verdict checkProxyResolved(String host, int port, ProxyConfig proxy) {
        if (!this.proxy.trusted()) {
            return Verdict.deny("the proxy " + proxy.display() + " would resolve " + host + " itself, out of this guard's"
                    + " sight; set multifetch.sample.trusted-proxy=true if the proxy is an egress guard that checks every"
                    + " address it connects to (such as smokescreen)");
        }
        return hostDenial(UrlGate.normalizeHost(host), false).map(Verdict::deny).orElse(Verdict.ALLOW);
    }

    /** Why connecting to {@code address}:{@code port} for {@code host} (normalized) is denied, if it is. */
    public Optional<String> denial(String host, InetAddress address, int port) {
        if (this.selfPorts.contains(port) && isLocal(address)) {
            return Optional.of(address.getHostAddress() + " port " + port + " is this sample app itself");
        }
        Optional<String> denied = this.deny.matchHost(host).or(() -> this.deny.matchAddress(address));
        if (denied.isPresent()) {
            return Optional.of(host + " (" + address.getHostAddress() + ") is on the deny-list: " + denied.get());
        }
        if (this.allow.matchAddress(address).isPresent()) {
            return Optional.empty();
        }
        if (!this.allow.isEmpty() && this.allow.matchHost(host).isEmpty()) {
            return Optional.of(host + " (" + address.getHostAddress() + ") is not on the allow-list");
        }
        AddressClassifier.Classification classification = AddressClassifier.classify(address);
        boolean opened = this.allowPrivateNetworks && classification.kind().privateNetwork();
        return (classification.isPublic() || opened) ? Optional.empty() : Optional.of(classification.description());
    }

    /**
     * Why a URL naming {@code host} (normalized, not an IP literal) is refused before any lookup,
     * if it is: a deny-list entry, or an allow-list of hosts only that does not name it.
     */
    public Optional<String> hostDenial(String host) {
        return hostDenial(host, this.allow.hasRanges());
    }

    /**
     * Why {@code host} is refused by name, if it is. {@code addressChecked}: whether its address
     * will be judged too, so that an allow-list range may still let it through; a name a proxy
     * resolves is never judged by address, so only an allow-list entry naming it opens it.
     */
    private Optional<String> hostDenial(String host, boolean addressChecked) {
        Optional<String> denied = this.deny.matchHost(host);
        if (denied.isPresent()) {
            return Optional.of(host + " is on the deny-list: " + denied.get());
        }
        if (!this.allow.isEmpty() && !addressChecked && this.allow.matchHost(host).isEmpty()) {
            return Optional.of(host + " is not on the allow-list");
        }
        return Optional.empty();
    }

    /** Whether loopback and private ranges are open. */
    public boolean allowsPrivateNetworks() {
        return this.allowPrivateNetworks;
    }

    private boolean isLocal(InetAddress address) {
        return address.isLoopbackAddress() || address.isAnyLocalAddress() || this.localAddresses.contains(address);
    }

    /** This machine's addresses, read once: the check must not enumerate interfaces on the selector thread. */
    private static Set<InetAddress> interfaceAddresses() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces())
                .stream()
                .flatMap(NetworkInterface::inetAddresses)
                .collect(Collectors.toUnmodifiableSet());
        } catch (SocketException ex) {
            return Set.of();
        }
    }

    @Override
    public String toString() {
        return "SsrfGuard[allowPrivateNetworks=" + this.allowPrivateNetworks + ", proxy=" + this.proxy.display()
                + ", trustedProxy=" + this.proxy.trusted() + "]";
    }
}
