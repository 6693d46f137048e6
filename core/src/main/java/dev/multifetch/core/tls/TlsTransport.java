package dev.multifetch.core.tls;

import dev.multifetch.core.connection.PlainTransport;
import dev.multifetch.core.connection.Transport;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a non-blocking socket with an {@link SSLEngine}: the handshake step by step, then
 * wrap and unwrap. It never blocks; each call says what it needs next. Decrypted bytes that
 * the caller has not taken yet stay buffered here, where the selector cannot see them: the
 * caller must ask {@link #hasBufferedInput()} and run again rather than wait for the socket
 * (the classic stall of event-loop TLS). Renegotiation is refused. Driving thread only.
 */
public final class TlsTransport implements Transport {

    /** What the handshake needs before it can go on. */
    public enum Step {
        /** The handshake is complete. */
        DONE,
        /** Bytes from the peer. */
        NEED_READ,
        /** Room in the socket's send buffer. */
        NEED_WRITE,
        /** The delegated tasks from {@link #delegatedTasks()} to run (off the driving thread). */
        NEED_TASK
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final Transport below;
    private ByteBuffer netIn;
    private final ByteBuffer netOut;
    private ByteBuffer appIn;
    private boolean netInIncomplete;
    private boolean handshakeBegun;
    private boolean handshakeDone;

    /** TLS on {@code channel} with a client-mode {@code engine}. */
    public TlsTransport(SSLEngine engine, SocketChannel channel) {
        this(engine, new PlainTransport(channel));
    }

    /**
     * TLS over {@code below}: the socket, or another TLS session (an origin's TLS inside an
     * https proxy's).
     */
    public TlsTransport(SSLEngine engine, Transport below) {
        this.engine = engine;
        this.below = below;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    /** The engine, for its session (protocol, cipher, ALPN) once the handshake is done. */
    public SSLEngine engine() {
        return engine;
    }

    /** Moves the handshake as far as the socket allows now. */
    public Step handshake() throws IOException {
        if (handshakeDone) {
            return Step.DONE;
        }
        if (!handshakeBegun) {
            handshakeBegun = true;
            engine.beginHandshake();
        }
        while (true) {
            if (!flush()) {
                return Step.NEED_WRITE;
            }
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapForHandshake()) {
                        return Step.NEED_READ;
                    }
                }
                case NEED_TASK -> {
                    return Step.NEED_TASK;
                }
                default -> {
                    handshakeDone = true;
                    return flush() ? Step.DONE : Step.NEED_WRITE;
                }
            }
        }
    }

    /** The tasks the engine wants run (certificate checks, key exchange); run them, then call {@link #handshake()}. */
    public List<Runnable> delegatedTasks() {
        List<Runnable> tasks = new ArrayList<>();
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            tasks.add(task);
        }
        return tasks;
    }

    /** Unwraps one handshake record; false when more bytes from the peer are needed first. */
    private boolean unwrapForHandshake() throws IOException {
        while (true) {
            SSLEngineResult result = unwrap();
            switch (result.getStatus()) {
                case OK -> {
                    return true;
                }
                case BUFFER_UNDERFLOW -> {
                    int n = fill();
                    if (n < 0) {
                        throw new EOFException("the server closed the connection during the TLS handshake");
                    }
                    if (n == 0) {
                        return false;
                    }
                }
                case CLOSED -> throw new SSLException("the server ended TLS during the handshake");
                default -> throw new IllegalStateException("unwrap: " + result);
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (true) {
            if (appIn.position() > 0) {
                return drainApp(dst);
            }
            if (netIn.position() > 0 && !netInIncomplete) {
                SSLEngineResult result = unwrap();
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return appIn.position() > 0 ? drainApp(dst) : -1;
                }
                afterUnwrap(result);
                continue;
            }
            int n = fill();
            if (n <= 0) {
                if (n < 0 && appIn.position() == 0) {
                    closeInboundQuietly();
                }
                return n;
            }
        }
    }

    /** Post-handshake records: TLS 1.3 tickets and key updates are fine; renegotiation is refused. */
    private void afterUnwrap(SSLEngineResult result) throws IOException {
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
            netInIncomplete = true;
            return;
        }
        HandshakeStatus hs = result.getHandshakeStatus();
        if (hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED) {
            return;
        }
        if (!"TLSv1.3".equals(engine.getSession().getProtocol())) {
            throw new SSLException("TLS renegotiation refused (server asked for a new handshake)");
        }
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            for (Runnable task : delegatedTasks()) {
                task.run();
            }
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            wrap(EMPTY);
            flush();
        }
    }

    private int drainApp(ByteBuffer dst) {
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        ByteBuffer slice = appIn.slice(appIn.position(), n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int before = src.position();
        while (src.hasRemaining() && flush()) {
            wrap(src);
        }
        return src.position() - before;
    }

    @Override
    public boolean flush() throws IOException {
        while (netOut.hasRemaining()) {
            if (below.write(netOut) == 0) {
                return false;
            }
        }
        return below.flush();
    }

    @Override
    public boolean hasBufferedInput() {
        return appIn.position() > 0 || (netIn.position() > 0 && !netInIncomplete) || below.hasBufferedInput();
    }

    @Override
    public void shutdown() {
        try {
            engine.closeOutbound();
            if (flush()) {
                wrap(EMPTY);
                flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // close_notify is a courtesy; the socket closes next either way
        }
    }

    /** Wraps from {@code src} into the (empty) outbound buffer. */
    private void wrap(ByteBuffer src) throws SSLException {
        netOut.clear();
        SSLEngineResult result;
        try {
            result = engine.wrap(src, netOut);
        } finally {
            netOut.flip();
        }
        if (result.getStatus() == SSLEngineResult.Status.CLOSED && !engine.isOutboundDone()) {
            throw new SSLException("TLS session closed while sending");
        }
    }

    private SSLEngineResult unwrap() throws SSLException {
        netIn.flip();
        SSLEngineResult result;
        try {
            result = engine.unwrap(netIn, appIn);
            while (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                result = engine.unwrap(netIn, appIn);
            }
        } finally {
            netIn.compact();
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                && netIn.position() == netIn.capacity()) {
            netIn = grow(netIn, engine.getSession().getPacketBufferSize());
        }
        return result;
    }

    /** Reads from the socket into the inbound buffer: the count, 0 if nothing now, -1 at the end. */
    private int fill() throws IOException {
        int n = below.read(netIn);
        if (n > 0) {
            netInIncomplete = false;
        }
        return n;
    }

    private void closeInboundQuietly() {
        try {
            engine.closeInbound();
        } catch (SSLException truncated) {
            // no close_notify: the HTTP framing decides whether the body was complete
        }
    }

    private static ByteBuffer grow(ByteBuffer buf, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, atLeast));
        buf.flip();
        bigger.put(buf);
        return bigger;
    }
}
