package dev.multifetch.core.proxy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The SOCKS4 CONNECT handshake, or SOCKS4a when a host name is given: the proxy then resolves
 * the name, sent after the user id with the address 0.0.0.1. The user id is the proxy's user
 * name, or empty. The reply is exactly 8 bytes: version 0, then 90 for granted or 91 to 93 for
 * refusals. Driving thread only. curl: socks.c do_SOCKS4().
 */
public final class Socks4Tunnel extends SocksHandshake {

    private static final int REPLY_LENGTH = 8;
    private static final int MAX_FIELD = 255;
    private static final byte[] SOCKS4A_ADDRESS = {0, 0, 0, 1};

    /**
     * A CONNECT to {@code port} on {@code target}, which must then be IPv4 (SOCKS4), or on
     * {@code hostname} when it is not null (SOCKS4a; {@code target} is then unused and may be null).
     *
     * @throws IllegalArgumentException neither a target nor a host name, or a port out of range
     */
    public Socks4Tunnel(ProxyConfig proxy, InetAddress target, String hostname, int port) {
        super(proxy, hostname == null ? "SOCKS4" : "SOCKS4a", target, hostname, port);
    }

    @Override
    void begin() throws ProxyException {
        if (hostname == null && !(target instanceof Inet4Address)) {
            throw wire.failure(ProxyError.RESOLVE_HOST, 0, "SOCKS4 reaches IPv4 addresses only, not "
                    + target.getHostAddress() + " (" + wire.label() + "); use socks4a or socks5");
        }
        byte[] user = field(proxy.username() == null ? "" : proxy.username(), ProxyError.LONG_USER, "user id");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(4);
        b.write(1);
        b.write(port >> 8);
        b.write(port);
        b.writeBytes(hostname == null ? target.getAddress() : SOCKS4A_ADDRESS);
        b.writeBytes(user);
        b.write(0);
        if (hostname != null) {
            b.writeBytes(field(hostname, ProxyError.LONG_HOSTNAME, "host name"));
            b.write(0);
        }
        exchange(ByteBuffer.wrap(b.toByteArray()), REPLY_LENGTH);
    }

    /** {@code text} as the bytes of a NUL-terminated field: at most 255 bytes and no NUL. */
    private byte[] field(String text, ProxyError tooLong, String what) throws ProxyException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_FIELD) {
            throw wire.failure(tooLong, 0, protocol + " " + what + " is " + bytes.length
                    + " bytes, over the " + MAX_FIELD + " this client sends to " + wire.label());
        }
        if (text.indexOf('\0') >= 0) {
            throw wire.failure(ProxyError.CONFIGURATION, 0, protocol + " " + what
                    + " has a NUL byte, which would end it early at " + wire.label());
        }
        return bytes;
    }

    @Override
    void received(ByteBuffer reply) throws ProxyException {
        int version = reply.get(0) & 0xff;
        int code = reply.get(1) & 0xff;
        if (version != 0) {
            throw wire.failure(ProxyError.BAD_VERSION, 0, wire.label() + " answered with reply version "
                    + version + " where SOCKS4 has 0");
        }
        if (code == 90) {
            finish();
            return;
        }
        ProxyError error = switch (code) {
            case 91 -> ProxyError.REQUEST_FAILED;
            case 92 -> ProxyError.IDENTD;
            case 93 -> ProxyError.IDENTD_DIFFER;
            default -> ProxyError.REPLY_UNASSIGNED;
        };
        String meaning = switch (code) {
            case 91 -> "request rejected or failed";
            case 92 -> "request rejected, the proxy could not reach identd on the client";
            case 93 -> "request rejected, identd reported a different user id";
            default -> "a reply code SOCKS4 does not define";
        };
        throw wire.failure(error, 0, wire.label() + " answered " + code + ": " + meaning);
    }

    @Override
    String awaited() {
        return "its " + protocol + " reply";
    }
}
