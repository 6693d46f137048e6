package dev.multifetch.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A one-thread NIO HTTP/1.1 server that holds every request for a fixed time before it answers
 * (keep-alive, a body of fixed size), so that a client must keep thousands of transfers in flight.
 * {@code GET /stats} answers at once with the number of requests held now. It stops by itself
 * after {@code --max-seconds}.
 *
 * <pre>
 * java -cp ... dev.multifetch.bench.SlowServer --port 28090 --hold-ms 1000 --body 1024 --max-seconds 600
 * </pre>
 */
public final class SlowServer {

    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};
    private static final byte[] STATS = "GET /stats ".getBytes(StandardCharsets.US_ASCII);

    private final Selector selector;
    private final ServerSocketChannel server;
    private final long holdNanos;
    private final ByteBuffer response;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(16 * 1024);
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private int peakHeld;
    private long answered;

    /** One request waiting for its answer; holds are equal, so the queue is in deadline order. */
    private record Held(SocketChannel channel, long dueNanos) {
    }

    /** Per-connection state: how far into the CRLFCRLF that ends a head, and its first bytes. */
    private static final class Conn {
        int matched;
        final byte[] start = new byte[STATS.length];
        int startLength;
        ByteBuffer pending;
    }

    private SlowServer(int port, long holdMillis, int bodyBytes) throws IOException {
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress("127.0.0.1", port), 65535);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        this.holdNanos = TimeUnit.MILLISECONDS.toNanos(holdMillis);
        byte[] body = new byte[bodyBytes];
        Arrays.fill(body, (byte) 'x');
        this.response = http(body);
    }

    public static void main(String[] argv) throws IOException {
        var args = Args.parse(argv);
        SlowServer s = new SlowServer(Args.integer(args, "port", 28090), Args.integer(args, "hold-ms", 1000),
                Args.integer(args, "body", 1024));
        long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(Args.integer(args, "max-seconds", 600));
        System.out.println("listening " + s.server.getLocalAddress());
        System.out.flush();
        s.loop(stopAt);
        System.err.printf("slow server: answered %d, peak held %d%n", s.answered, s.peakHeld);
    }

    private void loop(long stopAt) throws IOException {
        while (System.nanoTime() < stopAt) {
            long wait = held.isEmpty() ? 1000 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(held.peek().dueNanos - System.nanoTime()));
            selector.select(key -> handle(key), Math.min(wait, 1000));
            answerDue();
        }
    }

    private void handle(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                accept();
            } else if (key.isWritable()) {
                flush(key);
            } else if (key.isReadable()) {
                read(key);
            }
        } catch (IOException | RuntimeException broken) {
            close(key.channel());
        }
    }

    private void accept() throws IOException {
        SocketChannel c;
        while ((c = server.accept()) != null) {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.register(selector, SelectionKey.OP_READ, new Conn());
        }
    }

    private void read(SelectionKey key) throws IOException {
        SocketChannel c = (SocketChannel) key.channel();
        Conn conn = (Conn) key.attachment();
        readBuffer.clear();
        int n = c.read(readBuffer);
        if (n < 0) {
            close(c);
            return;
        }
        readBuffer.flip();
        while (readBuffer.hasRemaining()) {
            byte b = readBuffer.get();
            if (conn.startLength < conn.start.length) {
                conn.start[conn.startLength++] = b;
            }
            conn.matched = b == END_OF_HEAD[conn.matched] ? conn.matched + 1 : (b == '\r' ? 1 : 0);
            if (conn.matched == END_OF_HEAD.length) {
                requestComplete(key, conn);
            }
        }
    }

    private void requestComplete(SelectionKey key, Conn conn) throws IOException {
        boolean stats = conn.startLength == STATS.length && Arrays.equals(conn.start, STATS);
        conn.matched = 0;
        conn.startLength = 0;
        if (stats) {
            SocketChannel c = (SocketChannel) key.channel();
            byte[] count = Integer.toString(held.size()).getBytes(StandardCharsets.US_ASCII);
            c.write(http(count));
            close(c);
            return;
        }
        held.add(new Held((SocketChannel) key.channel(), System.nanoTime() + holdNanos));
        peakHeld = Math.max(peakHeld, held.size());
    }

    private void answerDue() {
        long now = System.nanoTime();
        while (!held.isEmpty() && held.peek().dueNanos - now <= 0) {
            SocketChannel c = held.poll().channel;
            SelectionKey key = c.keyFor(selector);
            if (key == null || !key.isValid()) {
                continue;
            }
            try {
                ByteBuffer out = response.duplicate();
                c.write(out);
                answered++;
                if (out.hasRemaining()) {
                    ((Conn) key.attachment()).pending = out;
                    key.interestOps(SelectionKey.OP_WRITE);
                }
            } catch (IOException broken) {
                close(c);
            }
        }
    }

    private void flush(SelectionKey key) throws IOException {
        Conn conn = (Conn) key.attachment();
        ((SocketChannel) key.channel()).write(conn.pending);
        if (!conn.pending.hasRemaining()) {
            conn.pending = null;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private static void close(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a broken connection: nothing more to do
        }
    }

    private static ByteBuffer http(byte[] body) {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocateDirect(head.length + body.length);
        b.put(head).put(body).flip();
        return b.asReadOnlyBuffer();
    }
}
