package dev.multifetch.core.proxy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import dev.multifetch.core.connection.Transport;
import dev.multifetch.core.http1.Quote;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP CONNECT handshake with an HTTP(S) proxy (RFC 9110 section 9.3.6), as curl does it.
 * The request carries only {@code Host}, {@code User-Agent}, {@code Proxy-Connection:
 * Keep-Alive} and, with credentials, {@code Proxy-Authorization}: Basic at once, then Digest
 * when a 407 asks for it; never an origin header. The response is read a byte at a time, so not
 * one byte of the tunnel is consumed. Any 2xx opens the tunnel, and a byte already waiting after
 * its head is refused as an attack ({@link ProxyError#DATA_AFTER_CONNECT}): the target cannot
 * have spoken before we did. A 407 is answered at most once per challenge (a Digest one
 * {@code stale=true} once more), on the same connection after its body when the proxy keeps it,
 * else after {@link Step#RECONNECT}. Driving thread only.
 * curl: http_proxy.c http_proxy_create_CONNECT(), cf-h1-proxy.c H1_CONNECT().
 */
public final class HttpConnectTunnel implements Tunnel {

    private enum State { SEND, READ_HEAD, DRAIN, RECONNECT, DONE }

    private final ProxyConfig proxy;
    private final String authority;
    private final String userAgent;
    private final Wire wire;
    private final ByteBuffer one = ByteBuffer.allocate(1);
    private State state;
    private ByteBuffer request;
    private ConnectHead head;
    private BodyDrain drain;
    private String authorization;
    private boolean basicSent;
    private int digestAnswers;
    private int connectCode;

    /**
     * A CONNECT to {@code targetHost}:{@code targetPort} (an IPv6 address with or without
     * brackets) through {@code proxy}, sending {@code userAgent} (null: no User-Agent line).
     *
     * @throws IllegalArgumentException a host or user agent with a control character or space
     *                                  in it, or a port out of range
     */
    public HttpConnectTunnel(ProxyConfig proxy, String targetHost, int targetPort, String userAgent) {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(targetHost, "targetHost");
        if (targetHost.isEmpty() || targetHost.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("CONNECT target host is empty or has a space or control character: "
                    + Quote.text(targetHost));
        }
        if (targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("CONNECT target port out of range: " + targetPort);
        }
        if (userAgent != null && userAgent.chars().anyMatch(c -> (c < ' ' && c != '\t') || c == 0x7f)) {
            throw new IllegalArgumentException("User-Agent has a control character: " + Quote.text(userAgent));
        }
        boolean bare6 = targetHost.indexOf(':') >= 0 && !targetHost.startsWith("[");
        this.authority = (bare6 ? "[" + targetHost + "]" : targetHost) + ":" + targetPort;
        this.userAgent = userAgent;
        this.wire = new Wire(proxy, "HTTP");
        if (proxy.hasCredentials()) {
            authorization = ProxyAuth.basic(proxy.username(), proxy.password());
            basicSent = true;
        }
        begin();
    }

    @Override
    public Step advance(Transport transport) throws IOException, ProxyException {
        while (true) {
            switch (state) {
                case SEND -> {
                    if (!wire.sent(transport, request)) {
                        return Step.NEED_WRITE;
                    }
                    head = new ConnectHead(wire, connectCode);
                    state = State.READ_HEAD;
                }
                case READ_HEAD -> {
                    if (!headRead(transport)) {
                        return Step.NEED_READ;
                    }
                    onHead(transport);
                }
                case DRAIN -> {
                    BodyDrain.Progress p = drain.drain(transport);
                    if (p == BodyDrain.Progress.MORE) {
                        return Step.NEED_READ;
                    }
                    if (p == BodyDrain.Progress.DONE) {
                        begin();
                    } else {
                        state = State.RECONNECT;
                    }
                }
                case RECONNECT -> {
                    return Step.RECONNECT;
                }
                case DONE -> {
                    return Step.DONE;
                }
            }
        }
    }

    /** {@inheritDoc} The new CONNECT carries the answer to the 407 that asked for the reconnect. */
    @Override
    public void restart() {
        if (state != State.RECONNECT) {
            throw new IllegalStateException("restart() without a RECONNECT, state: " + state);
        }
        begin();
    }

    @Override
    public int connectCode() {
        return connectCode;
    }

    private void begin() {
        StringBuilder b = new StringBuilder()
                .append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        if (userAgent != null) {
            b.append("User-Agent: ").append(userAgent).append("\r\n");
        }
        b.append("Proxy-Connection: Keep-Alive\r\n");
        if (authorization != null) {
            b.append("Proxy-Authorization: ").append(authorization).append("\r\n");
        }
        request = ByteBuffer.wrap(b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        head = null;
        drain = null;
        state = State.SEND;
    }

    /** Reads the head a byte at a time; true once its empty line is in. */
    private boolean headRead(Transport transport) throws IOException, ProxyException {
        while (true) {
            one.clear();
            int n = transport.read(one);
            if (n < 0) {
                throw wire.failure(ProxyError.CLOSED, connectCode,
                        wire.label() + " closed the connection before the end of its response to CONNECT");
            }
            if (n == 0) {
                return false;
            }
            if (head.take(one.get(0))) {
                return true;
            }
        }
    }

    private void onHead(Transport transport) throws IOException, ProxyException {
        connectCode = head.status();
        if (connectCode / 100 == 2) {
            expectSilence(transport);
            authorization = null;
            state = State.DONE;
        } else if (connectCode == 407) {
            answer(head.values("Proxy-Authenticate"));
            Optional<BodyDrain> body = head.closes() ? Optional.empty() : head.bodyDrain();
            drain = body.orElse(null);
            state = body.isPresent() ? State.DRAIN : State.RECONNECT;
        } else {
            String reason = head.reason().isEmpty() ? "" : " " + Quote.text(head.reason());
            throw wire.failure(ProxyError.CONNECT_REJECTED, connectCode, "CONNECT tunnel failed, response "
                    + connectCode + reason + " from " + wire.label());
        }
    }

    /**
     * After a 2xx head nothing may wait: the target has not been spoken to yet. An end of stream
     * is no byte; whoever reads the tunnel next meets it.
     */
    private void expectSilence(Transport transport) throws IOException, ProxyException {
        ByteBuffer probe = ByteBuffer.allocate(16);
        int n = transport.read(probe);
        if (n > 0 || transport.hasBufferedInput()) {
            throw wire.failure(ProxyError.DATA_AFTER_CONNECT, connectCode, wire.label() + " sent bytes after its "
                    + connectCode + " response to CONNECT, before anything went through the tunnel: "
                    + Quote.bytes(probe.array(), 0, Math.max(n, 0)) + "; the tunnel is not used");
        }
    }

    /** Takes the answer to a 407's challenges as the next CONNECT's credentials, or fails. */
    private void answer(List<String> challenges) throws ProxyException {
        if (!proxy.hasCredentials()) {
            throw wire.failure(ProxyError.AUTH_FAILED, 407, wire.label()
                    + " requires authentication (407) and no proxy credentials are set");
        }
        boolean digestAllowed = digestAnswers == 0 || (digestAnswers == 1 && ProxyAuth.isStale(challenges));
        String digest = digestAllowed ? ProxyAuth.digest(challenges, proxy.username(), proxy.password(),
                "CONNECT", authority, ProxyAuth::newCnonce) : null;
        if (digest != null) {
            digestAnswers++;
            authorization = digest;
        } else if (!basicSent && ProxyAuth.offersBasic(challenges)) {
            basicSent = true;
            authorization = ProxyAuth.basic(proxy.username(), proxy.password());
        } else {
            throw wire.failure(ProxyError.AUTH_FAILED, 407, refusal(challenges));
        }
    }

    private String refusal(List<String> challenges) {
        List<String> schemes = ProxyAuth.schemes(challenges);
        boolean digestAgain = digestAnswers > 0 && schemes.stream().anyMatch(s -> s.equalsIgnoreCase("Digest"));
        if (digestAgain || (basicSent && ProxyAuth.offersBasic(challenges))) {
            return wire.label() + " refused the proxy credentials (407 again after a "
                    + (digestAgain ? "Digest" : "Basic") + " answer)";
        }
        return wire.label() + " requires authentication (407) with "
                + (schemes.isEmpty() ? "no challenge" : "only " + Quote.text(String.join(", ", schemes)))
                + "; this client answers Basic and Digest (MD5, SHA-256, SHA-512-256, qop auth)";
    }
}
