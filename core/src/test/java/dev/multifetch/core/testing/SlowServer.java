package dev.multifetch.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A slow keep-alive HTTP/1.1 server on one NIO selector thread: it accepts every connection,
 * reads each request head, and {@code delay} after the head arrived answers 200 with the body
 * {@code "slow <target>"}. It holds thousands of connections with one thread, so a test can keep
 * that many transfers in flight.
 *
 * <p>Beyond a few thousand connections the client's and the server's sockets do not both fit
 * under one process's descriptor limit, so {@link #launch} runs it in a JVM of its own (its
 * {@link #main}), talking over stdin and stdout: it prints {@code PORT <n>}, answers each
 * {@code STATS} line with a stats line, and exits when stdin closes or its lifetime ends.
 */
public final class SlowServer implements SlowOrigin {

    /** What the server counted: requests answered, and the most connections and held responses at once. */
    public record Stats(long requests, int peakOpenConnections, int peakHeldResponses) {

        String toLine() {
            return "STATS " + requests + " " + peakOpenConnections + " " + peakHeldResponses;
        }

        static Stats parse(String line) {
            String[] f = line.split(" ");
            if (f.length != 4 || !f[0].equals("STATS")) {
                throw new IllegalStateException("not a stats line: \"" + line + "\"");
            }
            return new Stats(Long.parseLong(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
        }
    }

    private static final int MAX_HEAD_BYTES = 8 * 1024;

    /** A response due at a moment; delays are all equal, so the queue is in due order. */
    private record Due(long atNanos, SocketChannel channel, ByteBuffer response) {
    }

    /** One connection's request head read so far. */
    private static final class Conn {
        final ByteBuffer head = ByteBuffer.allocate(MAX_HEAD_BYTES);
        ByteBuffer unsent;
    }

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final long delayNanos;
    private final ArrayDeque<Due> due = new ArrayDeque<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(16 * 1024);
    private final Thread thread;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile Stats stats = new Stats(0, 0, 0);
    private int open;

    private SlowServer(Duration delay) throws IOException {
        this.delayNanos = delay.toNanos();
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
        listener.bind(new InetSocketAddress("127.0.0.1", 0), 65_535);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        this.thread = new Thread(this::loop, "slow-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a slow server in this JVM. */
    public static SlowServer start(Duration delay) {
        try {
            return new SlowServer(delay);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the slow server", e);
        }
    }

    /** Starts a slow server in a JVM of its own, on this JVM's classpath; it exits after {@code lifetime} at the latest. */
    public static SlowOrigin launch(Duration delay, Duration lifetime) {
        return new OwnProcess(delay, lifetime);
    }

    @Override
    public int port() {
        return listener.socket().getLocalPort();
    }

    @Override
    public Stats stats() {
        return stats;
    }

    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        stopped.join();
    }

    private void loop() {
        try {
            while (!closing) {
                long wait = due.isEmpty() ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(due.peek().atNanos() - System.nanoTime()) + 1);
                selector.select(wait);
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
                answerDue();
            }
        } catch (IOException | RuntimeException e) {
            e.printStackTrace();
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key.channel());
            }
            closeQuietly(selector);
            stopped.complete(null);
        }
    }

    private void handle(SelectionKey key) throws IOException {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            for (SocketChannel c; (c = listener.accept()) != null; ) {
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ, new Conn());
                open++;
                count(0);
            }
            return;
        }
        SocketChannel channel = (SocketChannel) key.channel();
        Conn conn = (Conn) key.attachment();
        try {
            if (key.isWritable()) {
                write(channel, conn.unsent);
            }
            if (key.isReadable()) {
                read(channel, conn);
            }
        } catch (IOException clientGone) {
            closeConnection(channel);
        }
    }

    private void read(SocketChannel channel, Conn conn) throws IOException {
        int n = channel.read(readBuffer.clear());
        if (n < 0) {
            closeConnection(channel);
            return;
        }
        readBuffer.flip();
        while (readBuffer.hasRemaining()) {
            if (!conn.head.hasRemaining()) {
                throw new IOException("request head larger than " + MAX_HEAD_BYTES + " bytes");
            }
            conn.head.put(readBuffer.get());
            if (endsWithBlankLine(conn.head)) {
                String head = new String(conn.head.array(), 0, conn.head.position(), StandardCharsets.ISO_8859_1);
                conn.head.clear();
                due.add(new Due(System.nanoTime() + delayNanos, channel, response(head)));
                count(0);
            }
        }
    }

    private static boolean endsWithBlankLine(ByteBuffer head) {
        int p = head.position();
        byte[] a = head.array();
        return p >= 4 && a[p - 4] == '\r' && a[p - 3] == '\n' && a[p - 2] == '\r' && a[p - 1] == '\n';
    }

    private static ByteBuffer response(String head) {
        String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
        byte[] body = ("slow " + (requestLine.length > 1 ? requestLine[1] : "?")).getBytes(StandardCharsets.ISO_8859_1);
        String text = "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1);
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void answerDue() {
        long now = System.nanoTime();
        while (!due.isEmpty() && now - due.peek().atNanos() >= 0) {
            Due d = due.poll();
            if (!d.channel().isOpen()) {
                continue;
            }
            try {
                write(d.channel(), d.response());
                count(1);
            } catch (IOException clientGone) {
                closeConnection(d.channel());
            }
        }
    }

    private void write(SocketChannel channel, ByteBuffer out) throws IOException {
        channel.write(out);
        SelectionKey key = channel.keyFor(selector);
        Conn conn = (Conn) key.attachment();
        conn.unsent = out.hasRemaining() ? out : null;
        key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private void closeConnection(SocketChannel channel) {
        if (channel.isOpen()) {
            closeQuietly(channel);
            open--;
        }
    }

    /** Publishes the counters; called on the server thread only. */
    private void count(int answered) {
        Stats s = stats;
        stats = new Stats(s.requests() + answered, Math.max(s.peakOpenConnections(), open),
                Math.max(s.peakHeldResponses(), due.size()));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // shutting down: nothing to do with a failed close
        }
    }

    /**
     * Runs a slow server until stdin closes: args are the delay and the lifetime in milliseconds.
     * Prints {@code PORT <n>}, then a stats line for every {@code STATS} line read.
     */
    public static void main(String[] args) throws IOException {
        Duration delay = Duration.ofMillis(Long.parseLong(args[0]));
        Duration lifetime = Duration.ofMillis(Long.parseLong(args[1]));
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(lifetime.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("slow server: lifetime of " + lifetime + " over, exiting");
            System.exit(2);
        }, "slow-server-lifetime");
        watchdog.setDaemon(true);
        watchdog.start();
        PrintStream out = System.out;
        try (SlowServer server = start(delay);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            out.println("PORT " + server.port());
            out.flush();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("STATS")) {
                    out.println(server.stats().toLine());
                    out.flush();
                }
            }
        }
    }

    /** A slow server in a child JVM, driven over its stdin and stdout. */
    private static final class OwnProcess implements SlowOrigin {

        private final Process process;
        private final BufferedReader out;
        private final PrintStream in;
        private final int port;

        OwnProcess(Duration delay, Duration lifetime) {
            Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), SlowServer.class.getName(),
                    Long.toString(delay.toMillis()), Long.toString(lifetime.toMillis()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            try {
                this.process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + builder.command(), e);
            }
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            String first = readLine();
            if (!first.startsWith("PORT ")) {
                close();
                throw new IllegalStateException("slow server process said \"" + first + "\" instead of its port");
            }
            this.port = Integer.parseInt(first.substring(5));
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public synchronized Stats stats() {
            in.println("STATS");
            return Stats.parse(readLine());
        }

        private String readLine() {
            try {
                String line = out.readLine();
                if (line == null) {
                    throw new IllegalStateException("slow server process ended, exit code " + process.waitFor());
                }
                return line;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read from the slow server process", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public void close() {
            in.close();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
