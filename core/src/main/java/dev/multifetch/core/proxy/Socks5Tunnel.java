package dev.multifetch.core.proxy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The SOCKS5 CONNECT handshake (RFC 1928): the target by address (ATYP 1 or 4) when the engine
 * resolved it, or by name (ATYP 3) for socks5h, where the proxy resolves it. The greeting offers
 * no authentication and, with credentials, user name and password (RFC 1929). Every length is
 * checked before the first byte goes out: a host name over 255 bytes fails and is never
 * resolved here instead (CVE-2023-38545). The reply is read exactly, bound address and port
 * included. Driving thread only. curl: socks.c do_SOCKS5().
 */
public final class Socks5Tunnel extends SocksHandshake {

    private static final int VERSION = 5;
    private static final int NO_AUTH = 0;
    private static final int USER_PASSWORD = 2;
    private static final int NO_ACCEPTABLE = 0xff;
    private static final int MAX_FIELD = 255;
    /** The refusals RFC 1928 section 6 assigns, by REP code from 1. */
    private static final List<Refusal> REFUSALS = List.of(
            new Refusal(ProxyError.REPLY_GENERAL_SERVER_FAILURE, "general SOCKS server failure"),
            new Refusal(ProxyError.REPLY_NOT_ALLOWED, "connection not allowed by ruleset"),
            new Refusal(ProxyError.REPLY_NETWORK_UNREACHABLE, "network unreachable"),
            new Refusal(ProxyError.REPLY_HOST_UNREACHABLE, "host unreachable"),
            new Refusal(ProxyError.REPLY_CONNECTION_REFUSED, "connection refused by the target"),
            new Refusal(ProxyError.REPLY_TTL_EXPIRED, "TTL expired"),
            new Refusal(ProxyError.REPLY_COMMAND_NOT_SUPPORTED, "command not supported"),
            new Refusal(ProxyError.REPLY_ADDRESS_TYPE_NOT_SUPPORTED, "address type not supported"));
    private static final Refusal UNASSIGNED = new Refusal(ProxyError.REPLY_UNASSIGNED, "a reply code RFC 1928 does not assign");

    /** A REP code's error detail and meaning in words. */
    private record Refusal(ProxyError error, String words) {
    }

    /** Which reply the handshake waits for. */
    private enum State { METHOD, AUTH, REPLY_HEAD, REPLY_NAME_LENGTH, REPLY_ADDRESS }

    private State state;

    /**
     * A CONNECT to {@code port} on {@code target} (SOCKS5) or, when {@code hostname} is not null,
     * on that name (socks5h; {@code target} is then unused and may be null).
     *
     * @throws IllegalArgumentException neither a target nor a host name, or a port out of range
     */
    public Socks5Tunnel(ProxyConfig proxy, InetAddress target, String hostname, int port) {
        super(proxy, "SOCKS5", target, hostname, port);
    }

    @Override
    void begin() throws ProxyException {
        if (hostname != null) {
            checkLength(hostname, ProxyError.LONG_HOSTNAME, "host name",
                    "; it is not resolved here instead (CVE-2023-38545)");
        }
        if (proxy.hasCredentials()) {
            checkLength(proxy.username(), ProxyError.LONG_USER, "user name", "");
            checkLength(password(), ProxyError.LONG_PASSWD, "password", "");
        }
        byte[] greeting = proxy.hasCredentials()
                ? new byte[] {VERSION, 2, NO_AUTH, USER_PASSWORD}
                : new byte[] {VERSION, 1, NO_AUTH};
        expect(State.METHOD, greeting, 2);
    }

    private void checkLength(String text, ProxyError tooLong, String what, String more) throws ProxyException {
        int length = text.getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_FIELD) {
            throw wire.failure(tooLong, 0, "SOCKS5 " + what + " is " + length + " bytes, over the "
                    + MAX_FIELD + " the protocol allows, so nothing was sent to " + wire.label() + more);
        }
    }

    private String password() {
        return proxy.password() == null ? "" : proxy.password();
    }

    private void expect(State next, byte[] message, int replyLength) {
        state = next;
        exchange(ByteBuffer.wrap(message), replyLength);
    }

    @Override
    void received(ByteBuffer reply) throws ProxyException {
        switch (state) {
            case METHOD -> onMethod(reply.get(0) & 0xff, reply.get(1) & 0xff);
            case AUTH -> onAuth(reply.get(1) & 0xff);
            case REPLY_HEAD -> onReplyHead(reply);
            case REPLY_NAME_LENGTH -> expect(State.REPLY_ADDRESS, new byte[0], (reply.get(0) & 0xff) + 2);
            case REPLY_ADDRESS -> finish();
        }
    }

    private void onMethod(int version, int method) throws ProxyException {
        if (version != VERSION) {
            throw wire.failure(ProxyError.BAD_VERSION, 0, wire.label() + " answered the greeting with version "
                    + version + " where SOCKS5 has 5");
        }
        if (method == NO_AUTH) {
            expect(State.REPLY_HEAD, connectRequest(), 4);
        } else if (method == USER_PASSWORD && proxy.hasCredentials()) {
            expect(State.AUTH, authRequest(), 2);
        } else if (method == NO_ACCEPTABLE) {
            throw wire.failure(ProxyError.NO_AUTH, 0, wire.label() + " accepts none of the methods offered (no auth"
                    + (proxy.hasCredentials() ? ", user name and password)" : "; set credentials for user name and password)"));
        } else {
            throw wire.failure(ProxyError.NO_AUTH, 0, wire.label() + " chose authentication method " + method
                    + ", which was not offered");
        }
    }

    /** RFC 1929 section 2; the reply's version byte is not checked, as servers answer 1 or 5 there. */
    private void onAuth(int status) throws ProxyException {
        if (status != 0) {
            throw wire.failure(ProxyError.USER_REJECTED, 0, wire.label()
                    + " refused the user name and password (status " + status + ")");
        }
        expect(State.REPLY_HEAD, connectRequest(), 4);
    }

    private void onReplyHead(ByteBuffer reply) throws ProxyException {
        int version = reply.get(0) & 0xff;
        int rep = reply.get(1) & 0xff;
        int atyp = reply.get(3) & 0xff;
        if (version != VERSION) {
            throw wire.failure(ProxyError.BAD_VERSION, 0, wire.label() + " answered CONNECT with version "
                    + version + " where SOCKS5 has 5");
        }
        if (rep != 0) {
            Refusal refusal = rep <= REFUSALS.size() ? REFUSALS.get(rep - 1) : UNASSIGNED;
            throw wire.failure(refusal.error(), 0, wire.label() + " answered " + rep + ": " + refusal.words());
        }
        switch (atyp) {
            case 1 -> expect(State.REPLY_ADDRESS, new byte[0], 4 + 2);
            case 3 -> expect(State.REPLY_NAME_LENGTH, new byte[0], 1);
            case 4 -> expect(State.REPLY_ADDRESS, new byte[0], 16 + 2);
            default -> throw wire.failure(ProxyError.BAD_ADDRESS_TYPE, 0, wire.label()
                    + " answered CONNECT with address type " + atyp + ", which RFC 1928 does not define");
        }
    }

    private byte[] authRequest() {
        byte[] user = proxy.username().getBytes(StandardCharsets.UTF_8);
        byte[] pass = password().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(1);
        b.write(user.length);
        b.writeBytes(user);
        b.write(pass.length);
        b.writeBytes(pass);
        return b.toByteArray();
    }

    private byte[] connectRequest() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {VERSION, 1, 0});
        if (hostname != null) {
            byte[] name = hostname.getBytes(StandardCharsets.UTF_8);
            b.write(3);
            b.write(name.length);
            b.writeBytes(name);
        } else {
            b.write(target instanceof Inet4Address ? 1 : 4);
            b.writeBytes(target.getAddress());
        }
        b.write(port >> 8);
        b.write(port);
        return b.toByteArray();
    }

    @Override
    String awaited() {
        return switch (state) {
            case METHOD -> "its choice of authentication method";
            case AUTH -> "its answer to the user name and password";
            default -> "its complete reply to CONNECT";
        };
    }
}
