package dev.multifetch.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multifetch.core.ProxyException;
import dev.multifetch.core.connection.PlainTransport;
import dev.multifetch.core.connection.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Drives a {@link Tunnel} as the engine will: a non-blocking {@link SocketChannel} in a
 * {@link PlainTransport}, {@code advance} in a loop, a {@link Selector} waiting for what each
 * step asks, a new connection and {@code restart()} on RECONNECT; all within a deadline.
 */
final class TunnelDriver implements AutoCloseable {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final InetSocketAddress proxy;
    private final Selector selector;
    private final long deadline = System.nanoTime() + DEADLINE.toNanos();
    private SocketChannel channel;
    private Transport transport;
    private int connections;

    /** A driver connected to {@code proxy}. */
    TunnelDriver(InetSocketAddress proxy) throws IOException {
        this.proxy = proxy;
        this.selector = Selector.open();
        connect();
    }

    /** A driver connected to {@code proxy}. */
    TunnelDriver(ScriptedProxy proxy) throws IOException {
        this(proxy.address());
    }

    private void connect() throws IOException {
        if (channel != null) {
            channel.close();
        }
        channel = SocketChannel.open(proxy);
        channel.configureBlocking(false);
        transport = new PlainTransport(channel);
        connections++;
    }

    /** Advances {@code tunnel} until it is open; throws what it throws. */
    Tunnel.Step open(Tunnel tunnel) throws IOException {
        while (true) {
            Tunnel.Step step = tunnel.advance(transport);
            switch (step) {
                case DONE -> {
                    return step;
                }
                case NEED_READ -> await(SelectionKey.OP_READ);
                case NEED_WRITE -> await(SelectionKey.OP_WRITE);
                case RECONNECT -> {
                    connect();
                    tunnel.restart();
                }
            }
        }
    }

    /** How many connections the driver opened to the proxy. */
    int connections() {
        return connections;
    }

    /** Every byte that arrives after the tunnel opened, up to the proxy's close. */
    byte[] readToEnd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        for (int n; (n = transport.read(buf.clear())) >= 0; ) {
            if (n == 0) {
                await(SelectionKey.OP_READ);
            }
            out.write(buf.array(), 0, n);
        }
        return out.toByteArray();
    }

    private void await(int ops) throws IOException {
        SelectionKey key = channel.register(selector, ops);
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || selector.select(left) == 0 && System.nanoTime() - deadline >= 0) {
            throw new AssertionError("tunnel not done within " + DEADLINE);
        }
        selector.selectedKeys().clear();
        key.interestOps(0);
    }

    /** Opens {@code tunnel} through {@code proxy}, releases the proxy's script, and returns what then arrives. */
    static String openThenRead(ScriptedProxy proxy, Tunnel tunnel) throws Exception {
        try (TunnelDriver driver = new TunnelDriver(proxy)) {
            assertThat(driver.open(tunnel)).isEqualTo(Tunnel.Step.DONE);
            proxy.release();
            return new String(driver.readToEnd(), StandardCharsets.ISO_8859_1);
        }
    }

    /** The failure of {@code tunnel}'s handshake through {@code proxy}. */
    static ProxyException failure(ScriptedProxy proxy, Tunnel tunnel) throws Exception {
        try (TunnelDriver driver = new TunnelDriver(proxy)) {
            ProxyException e = catchThrowableOfType(ProxyException.class, () -> driver.open(tunnel));
            assertThat(e).as("the handshake's failure").isNotNull();
            return e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            selector.close();
        }
    }
}
