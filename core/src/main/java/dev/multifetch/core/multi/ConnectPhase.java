package dev.multifetch.core.multi;

import dev.multifetch.core.HostResolver;
import dev.multifetch.core.connection.IpLiterals;

import dev.multifetch.core.PollAction;
import dev.multifetch.core.TransferState;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.ConnectPolicy.Verdict;
import dev.multifetch.core.MultiOptions.HostPort;
import dev.multifetch.core.connection.Connection;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * From "this transfer may open a connection" to a connected socket: connect-to and resolve
 * overrides, the DNS cache, lookups on the resolver threads, the connect policy, and two
 * connect lanes raced as curl's happy eyeballs (the second address family starts after a head
 * start, or at once when the first runs out). Driving thread only.
 *
 * <p>libcurl: {@code lib/connect.c} (eyeballers), {@code lib/hostip.c}, {@code cf-socket.c}.
 */
final class ConnectPhase {

    private final MultiHandle multi;
    private final TransferRunner runner;

    ConnectPhase(MultiHandle multi, TransferRunner runner) {
        this.multi = multi;
        this.runner = runner;
    }

    /**
     * Starts a new connection for a transfer holding a slot: finds addresses, or starts a lookup.
     * Through a proxy the connection goes to the proxy; for socks4 and socks5 the target's name is
     * looked up first, so its address is vetted before the proxy is even connected to. The
     * connect timeout counts from the first start of a hop (a reconnect after a proxy's 407 keeps it).
     */
    boolean start(Run t) {
        MultiOptions options = multi.options();
        if (t.expiries[Run.EXPIRE_CONNECT] == null) {
            multi.expire(t, Run.EXPIRE_CONNECT, multi.now() + connectTimeout(t, options).toNanos());
        }
        String host = t.target.origin().host();
        int port = t.target.origin().port();
        t.lookingUpTarget = t.route != null && t.route.engineResolvesTarget() && t.socksTarget == null;
        if (t.route != null && !t.lookingUpTarget) {
            host = t.route.proxy().host();
            port = t.route.proxy().port();
        }
        HostPort via = t.route == null ? options.connectTo(host, port) : null;
        t.connectHost = via == null ? host : via.host();
        t.connectPort = via == null ? port : via.port();
        List<InetAddress> known = options.resolveOverride(t.connectHost, t.connectPort);
        if (known == null) {
            known = multi.dnsCache().get(t.connectHost, multi.now());
        }
        if (known == null) {
            InetAddress literal = IpLiterals.address(t.connectHost);
            known = literal == null ? null : List.of(literal);
        }
        if (known != null) {
            return addressesKnown(t, known);
        }
        t.addresses = null;
        t.resolveError = null;
        t.resolveToken++;
        runner.transition(t, TransferState.RESOLVING);
        runner.listen(t, l -> l.dnsStart(t.transfer, t.connectHost));
        startResolve(t, t.connectHost);
        return false;
    }

    /** The transfer's connect timeout: its request's, else the handle's. */
    static Duration connectTimeout(Run t, MultiOptions options) {
        return t.request().connectTimeout() != null ? t.request().connectTimeout() : options.connectTimeout();
    }

    /** Looks {@code host} up on a resolver thread; the answer wakes the transfer on the driving thread. */
    private void startResolve(Run t, String host) {
        long token = t.resolveToken;
        HostResolver hostResolver = multi.options().hostResolver();
        multi.offload(() -> hostResolver.resolve(host), (addresses, error) -> {
            if (t.multi == multi && t.state == TransferState.RESOLVING && t.resolveToken == token) {
                t.addresses = addresses == null ? null : List.of(addresses);
                t.resolveError = error;
                multi.runAgain(t);
            }
        });
    }

    /** RESOLVING: waits for the resolver's answer (delivered by the multi handle). */
    boolean resolving(Run t) {
        if (t.addresses == null && t.resolveError == null) {
            return false;
        }
        if (t.addresses == null || t.addresses.isEmpty()) {
            Exception cause = t.resolveError != null ? t.resolveError : new UnknownHostException(t.connectHost);
            runner.listen(t, l -> l.dnsFailed(t.transfer, t.connectHost, cause));
            if (t.route != null && !t.lookingUpTarget) {
                return runner.fail(t, ProxyPhase.unresolved(t, cause));
            }
            String why = cause instanceof UnknownHostException ? "" : " (" + cause + ")";
            return runner.fail(t, FetchError.COULDNT_RESOLVE_HOST, "Could not resolve host: " + t.connectHost + why, cause);
        }
        multi.dnsCache().put(t.connectHost, t.addresses, multi.now());
        List<InetAddress> found = t.addresses;
        runner.listen(t, l -> l.dnsEnd(t.transfer, t.connectHost, found));
        return addressesKnown(t, found);
    }

    private boolean addressesKnown(Run t, List<InetAddress> addresses) {
        if (t.lookingUpTarget) {
            return socksTargetKnown(t, addresses);
        }
        t.addresses = addresses;
        t.namelookupNanos += multi.now() - t.hopStartNanos;
        boolean firstIsV6 = addresses.get(0) instanceof Inet6Address;
        for (InetAddress a : addresses) {
            ((a instanceof Inet6Address) == firstIsV6 ? t.firstFamily : t.otherFamily).add(a);
        }
        runner.transition(t, TransferState.CONNECTING);
        return true;
    }

    /**
     * The target of a socks4 or socks5 proxy resolved: the first address the policy allows
     * (IPv4 only for socks4) is the one the proxy will be asked to reach; then the proxy's turn.
     */
    private boolean socksTargetKnown(Run t, List<InetAddress> addresses) {
        boolean v4Only = t.route.proxy().type() == dev.multifetch.core.ProxyType.SOCKS4;
        String denied = null;
        for (InetAddress a : addresses) {
            if (v4Only && !(a instanceof java.net.Inet4Address)) {
                continue;
            }
            Verdict verdict = judge(t, new InetSocketAddress(a, t.connectPort));
            if (verdict.allowed()) {
                t.socksTarget = a;
                t.lookingUpTarget = false;
                return start(t);
            }
            String denial = a.getHostAddress() + " (" + verdict.reason() + ")";
            denied = denied == null ? denial : denied + "; " + denial;
        }
        if (denied == null) {
            return runner.fail(t, new dev.multifetch.core.ProxyException(dev.multifetch.core.ProxyError.RESOLVE_HOST,
                    t.route.proxy().display(), 0, "SOCKS4 reaches IPv4 addresses only, and " + t.connectHost + " has none: "
                    + addresses));
        }
        return runner.fail(t, FetchError.COULDNT_CONNECT, "denied by connect policy: " + t.connectHost + " port "
                + t.connectPort + " (to be reached through " + t.route.proxy().display() + "): " + denied, null);
    }

    /** CONNECTING: checks the attempts in flight, starts more as the lanes free up, picks the winner. */
    boolean connecting(Run t) {
        for (int round = 0; round <= t.addresses.size(); round++) {
            Connection won = poll(t, true);
            if (won == null) {
                won = poll(t, false);
            }
            if (won != null) {
                return connected(t, won);
            }
            boolean started = refill(t);
            if (t.laneFirst == null && t.laneOther == null) {
                return runner.fail(t, FetchError.COULDNT_CONNECT, failureMessage(t), null);
            }
            if (!started) {
                break;
            }
        }
        // announced only now, so a connect that completes at once costs no OUT round trip
        for (Connection attempt : new Connection[] {t.laneFirst, t.laneOther}) {
            if (attempt != null) {
                multi.want(attempt.channel(), t, PollAction.OUT);
            }
        }
        return false;
    }

    /** Starts an attempt in each lane that is free and allowed to run; true if any started. */
    private boolean refill(Run t) {
        boolean started = false;
        if (t.laneFirst == null && !t.firstFamily.isEmpty()) {
            t.laneFirst = startNext(t, t.firstFamily);
            started = t.laneFirst != null;
            if (started && !t.otherFamily.isEmpty() && !t.otherFamilyStarted) {
                multi.expire(t, Run.EXPIRE_HAPPY_EYEBALLS, multi.now() + multi.options().happyEyeballsTimeout().toNanos());
            }
        }
        if (!t.otherFamilyStarted && !t.otherFamily.isEmpty()) {
            var headStart = t.expiries[Run.EXPIRE_HAPPY_EYEBALLS];
            boolean headStartOver = headStart != null && multi.now() - headStart.atNanos() >= 0;
            t.otherFamilyStarted = headStartOver || (t.laneFirst == null && t.firstFamily.isEmpty());
        }
        if (t.otherFamilyStarted && t.laneOther == null && !t.otherFamily.isEmpty()) {
            t.laneOther = startNext(t, t.otherFamily);
            started |= t.laneOther != null;
        }
        return started;
    }

    /** Opens a socket to the next allowed address of {@code family}; null when none is left. */
    private Connection startNext(Run t, ArrayDeque<InetAddress> family) {
        while (!family.isEmpty()) {
            InetSocketAddress address = new InetSocketAddress(family.poll(), t.connectPort);
            Verdict verdict = judge(t, address);
            if (!verdict.allowed()) {
                String denial = address.getAddress().getHostAddress() + " (" + verdict.reason() + ")";
                t.deniedReasons = t.deniedReasons == null ? denial : t.deniedReasons + "; " + denial;
                continue;
            }
            runner.listen(t, l -> l.connectStart(t.transfer, address));
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                configure(channel);
                Connection attempt = new Connection(t.origin, channel, address, multi.now());
                channel.connect(address);
                return attempt;
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                recordFailure(t, address, e);
            }
        }
        return null;
    }

    /** The policy's verdict on an address: the proxy's (as a proxy) while connecting to one, else the target's. */
    private Verdict judge(Run t, InetSocketAddress address) {
        try {
            Verdict v = t.route != null && !t.lookingUpTarget
                    ? multi.options().connectPolicy().checkProxy(t.route.proxy(), address)
                    : multi.options().connectPolicy().check(t.connectHost, address);
            return v == null ? Verdict.deny("the policy gave no verdict") : v;
        } catch (RuntimeException e) {
            return Verdict.deny("the policy threw " + e);
        }
    }

    private void configure(SocketChannel channel) throws IOException {
        MultiOptions options = multi.options();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, options.tcpNoDelay());
        if (options.sendBufferSize() > 0) {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
        }
        if (options.receiveBufferSize() > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
        }
    }

    /** Checks one lane's attempt; returns it if connected, clears the lane if it failed. */
    private Connection poll(Run t, boolean first) {
        Connection attempt = first ? t.laneFirst : t.laneOther;
        if (attempt == null) {
            return null;
        }
        try {
            if (!attempt.channel().finishConnect()) {
                return null;
            }
        } catch (IOException e) {
            clearLane(t, first);
            multi.closeChannel(attempt);
            recordFailure(t, attempt.remote(), e);
            return null;
        }
        clearLane(t, first);
        return attempt;
    }

    private boolean connected(Run t, Connection winner) {
        abandon(t);
        t.conn = winner;
        t.exchange = null;
        t.slotHeld = false;
        t.proxyReady = false;
        t.handshaking = null;
        winner.beginUse();
        t.connects++;
        t.connectNanos += multi.now() - t.hopStartNanos;
        runner.listen(t, l -> l.connectEnd(t.transfer, winner.remote()));
        runner.listen(t, l -> l.connectionAcquired(t.transfer, winner.id(), false));
        runner.transition(t, TransferState.PROTOCONNECT);
        return true;
    }

    /** Closes every attempt still in flight (REMOVE first) and forgets the addresses left. */
    void abandon(Run t) {
        for (Connection attempt : new Connection[] {t.laneFirst, t.laneOther}) {
            if (attempt != null) {
                multi.closeChannel(attempt);
            }
        }
        t.laneFirst = null;
        t.laneOther = null;
        t.firstFamily.clear();
        t.otherFamily.clear();
        multi.cancelExpire(t, Run.EXPIRE_HAPPY_EYEBALLS);
    }

    private static void clearLane(Run t, boolean first) {
        if (first) {
            t.laneFirst = null;
        } else {
            t.laneOther = null;
        }
    }

    private void recordFailure(Run t, InetSocketAddress address, Exception e) {
        String attempt = address.getAddress().getHostAddress() + ": " + TransferRunner.describe(e);
        t.connectFailures = t.connectFailures == null ? attempt : t.connectFailures + "; " + attempt;
        runner.listen(t, l -> l.connectFailed(t.transfer, address, e));
    }

    private String failureMessage(Run t) {
        String where = (t.route == null ? "" : "proxy ") + t.connectHost + " port " + t.connectPort;
        if (t.connectFailures == null && t.deniedReasons != null) {
            return "denied by connect policy: " + where + ": " + t.deniedReasons;
        }
        String message = "Failed to connect to " + where + " after " + (multi.now() - t.startNanos) / 1_000_000 + " ms: "
                + t.connectFailures;
        return t.deniedReasons == null ? message : message + "; denied by connect policy: " + t.deniedReasons;
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // never announced and never connected: nothing else to undo
            }
        }
    }
}
