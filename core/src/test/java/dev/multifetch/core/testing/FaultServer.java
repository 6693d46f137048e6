package dev.multifetch.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An HTTP/1.1 server on {@code 127.0.0.1} that misbehaves on purpose, one {@link Fault} per
 * connection or per request. It runs on one NIO selector thread ({@code fault-server-N}), so it
 * holds thousands of connections (stalled, dripping or idle) for the price of a selection key each.
 *
 * <p><b>Per request</b>, the request target names the fault: {@code GET /<FAULT>/<id>}, as
 * {@link #url(Fault, long)} builds it. The server reads the request head, then does what the fault
 * says. {@link Fault#NONE} answers 200 with {@link #body(long)}, framed by {@code Content-Length}
 * for even ids and chunked for odd ones (with the trailer {@code X-Transfer: <id>}), and keeps the
 * connection for the next request.
 *
 * <p><b>Per connection</b>, {@link Fault#REFUSE} and {@link Fault#ACCEPT_CLOSE} act before a byte
 * is read, so they cannot see a request: each has a listener of its own, and every connection
 * made to it gets that fault. A true refusal (a RST answering the SYN) needs the listener closed,
 * which would refuse every other transfer too, or a firewall rule in a network namespace, which
 * needs root (security.md section 6). So {@code REFUSE} accepts and at once resets
 * ({@code SO_LINGER 0}, close) before reading: the client's connect succeeds, then its first write
 * or read meets the reset, as with a server that crashes under load.
 *
 * <p>Which fault each transfer meets is the client's choice, made with a seeded {@link FaultMix},
 * so a test knows the outcome every transfer must have. The server counts what it injected
 * ({@link #injected}); a request repeated on a fresh connection (the engine's one retry of a stale
 * reused connection) is counted again. {@link #close()} closes every socket and ends the thread.
 */
public final class FaultServer implements AutoCloseable {

    /** What the server does to one request, or to every connection of its own listener. */
    public enum Fault {
        /** Answers 200 with {@link #body(long)} and keeps the connection. */
        NONE,
        /** Per connection: accepts and resets before reading anything. */
        REFUSE,
        /** Per connection: accepts and closes (FIN) before reading anything. */
        ACCEPT_CLOSE,
        /** Reads the request, then resets without sending a byte. */
        RESET_AT_START,
        /** Sends the head ({@code Content-Length: 1000}), then resets. */
        RESET_AFTER_HEADERS,
        /** Sends the head and half the body, then resets. */
        RESET_MID_BODY,
        /** Reads the request and never answers. */
        STALL_AT_START,
        /** Sends the head and never the body. */
        STALL_BEFORE_BODY,
        /** Sends the head and half the body, then nothing more. */
        STALL_MID_BODY,
        /** Sends a whole response one byte every {@link #DRIP_INTERVAL_MS} ms: over six seconds for all of it. */
        DRIP,
        /** Sends bytes that are not HTTP (the first one is never {@code H}), then closes. */
        GARBAGE,
        /** Starts a chunked body and closes (FIN) in the middle of its second chunk. */
        TRUNCATED_CHUNKED,
        /** Answers like {@link #NONE}, then closes the connection once it has been idle {@link #IDLE_CLOSE_MS} ms. */
        CLOSE_IDLE;

        /** Whether the fault acts on every connection of a listener of its own, before any request. */
        public boolean perConnection() {
            return this == REFUSE || this == ACCEPT_CLOSE;
        }
    }

    /** The pause between two bytes of a {@link Fault#DRIP}: well under any read timeout, so only a total deadline stops it. */
    public static final long DRIP_INTERVAL_MS = 20;
    /** How long a {@link Fault#CLOSE_IDLE} connection stays idle before the server closes it. */
    public static final long IDLE_CLOSE_MS = 20;

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final int HEAD_LIMIT = 8 * 1024;
    private static final int FAULTY_BODY_BYTES = 1000;
    private static final int DRIP_BODY_BYTES = 300;
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    /** What happens once a connection's queued output is written. */
    private enum After { KEEP, CLOSE, RESET, STALL, DRIP, IDLE_CLOSE }

    private record Timer(long atNanos, long seq, Conn conn, int generation, Runnable action) {
    }

    private final Selector selector;
    private final ServerSocketChannel main;
    private final Map<Fault, ServerSocketChannel> connectionFaults = new EnumMap<>(Fault.class);
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong(Timer::atNanos).thenComparingLong(Timer::seq));
    private final AtomicLongArray injected = new AtomicLongArray(Fault.values().length);
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger pipelined = new AtomicInteger();
    private final Map<Long, Integer> requestsById = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peakOpen = new AtomicInteger();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile Throwable failure;
    private long timerSeq;

    private FaultServer() throws IOException {
        this.selector = Selector.open();
        this.main = listen(null);
        connectionFaults.put(Fault.REFUSE, listen(Fault.REFUSE));
        connectionFaults.put(Fault.ACCEPT_CLOSE, listen(Fault.ACCEPT_CLOSE));
        Thread thread = new Thread(this::loop, "fault-server-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a server on ephemeral loopback ports. */
    public static FaultServer start() {
        try {
            return new FaultServer();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fault server", e);
        }
    }

    private ServerSocketChannel listen(Fault fault) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT, fault);
        return listener;
    }

    /** The URL at which transfer {@code id} meets {@code fault}: on the fault's own listener for per-connection faults. */
    public String url(Fault fault, long id) {
        ServerSocketChannel listener = fault.perConnection() ? connectionFaults.get(fault) : main;
        return "http://127.0.0.1:" + listener.socket().getLocalPort() + "/" + fault.name() + "/" + id;
    }

    /** The body {@link Fault#NONE} sends for {@code id}: 0 to 16 KiB of letters, fixed by the id. */
    public static byte[] body(long id) {
        int length = (int) ((id * 2_654_435_761L >>> 7) & 0x3FFF);
        byte[] body = new byte[length];
        for (int i = 0; i < length; i++) {
            body[i] = (byte) ('a' + (id + i) % 26);
        }
        return body;
    }

    /** How many times the server injected {@code fault} (a retried request counts twice). */
    public long injected(Fault fault) {
        return injected.get(fault.ordinal());
    }

    /** Connections accepted on every listener. */
    public int accepted() {
        return accepted.get();
    }

    /** Request heads read. */
    public int requests() {
        return requests.get();
    }

    /** Times a request head arrived while the connection's previous response was still going out (a client that pipelines). */
    public int pipelined() {
        return pipelined.get();
    }

    /**
     * How many times the request of transfer {@code id} was read, until the server closed: twice
     * after a retry, never for a per-connection fault.
     */
    public int requestsFor(long id) {
        return requestsById.getOrDefault(id, 0);
    }

    /** Connections of the main listener open now. */
    public int openConnections() {
        return open.get();
    }

    /** The most connections of the main listener that were open at once. */
    public int peakOpenConnections() {
        return peakOpen.get();
    }

    /** The unexpected error that stopped the server thread, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Closes every listener and connection, waits for the server thread to end, and forgets the per-id counts. */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        try {
            stopped.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the fault server thread did not end", e);
        }
        requestsById.clear();
    }

    private void loop() {
        try {
            while (!closing) {
                selector.select(untilNextTimerMs());
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
                runDueTimers();
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key.channel());
            }
            closeQuietly(selector);
            stopped.complete(null);
        }
    }

    /** 0 (wait without a timeout) when no timer is armed; at least 1 ms otherwise. */
    private long untilNextTimerMs() {
        Timer next = timers.peek();
        if (next == null) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.atNanos() - System.nanoTime()) + 1);
    }

    private void handle(SelectionKey key) throws IOException {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            accept((ServerSocketChannel) key.channel(), (Fault) key.attachment());
            return;
        }
        Conn conn = (Conn) key.attachment();
        try {
            if (key.isWritable()) {
                flush(conn);
            }
            if (key.isValid() && key.isReadable()) {
                read(conn);
            }
        } catch (IOException clientGone) {
            conn.close(false);
        }
    }

    private void accept(ServerSocketChannel listener, Fault fault) throws IOException {
        for (SocketChannel channel; (channel = listener.accept()) != null; ) {
            accepted.incrementAndGet();
            if (fault != null) {
                injected.incrementAndGet(fault.ordinal());
                if (fault == Fault.REFUSE) {
                    reset(channel);
                } else {
                    closeQuietly(channel);
                }
                continue;
            }
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn conn = new Conn(channel);
            conn.key = channel.register(selector, SelectionKey.OP_READ, conn);
            peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        }
    }

    /** Reads what arrived; a complete head is answered unless a response is still going out. */
    private void read(Conn conn) throws IOException {
        if (!conn.head.hasRemaining()) {
            conn.close(true);
            return;
        }
        if (conn.channel.read(conn.head) < 0) {
            conn.close(false);
            return;
        }
        serveBuffered(conn);
    }

    /** Answers the request heads waiting in the buffer, one at a time, while the connection is free for them. */
    private void serveBuffered(Conn conn) throws IOException {
        for (int end; conn.channel.isOpen() && (end = indexOf(conn.head, END_OF_HEAD)) >= 0; ) {
            if (conn.after != After.KEEP || !conn.out.isEmpty()) {
                pipelined.incrementAndGet();
                return;
            }
            String head = new String(conn.head.array(), 0, end, StandardCharsets.ISO_8859_1);
            conn.head.flip().position(end + END_OF_HEAD.length);
            conn.head.compact();
            requests.incrementAndGet();
            conn.generation++;
            int eol = head.indexOf("\r\n");
            dispatch(conn, eol < 0 ? head : head.substring(0, eol));
        }
    }

    private void dispatch(Conn conn, String requestLine) throws IOException {
        String[] parts = requestLine.split(" ");
        String[] path = parts.length == 3 ? parts[1].split("/") : new String[0];
        Fault fault;
        long id;
        try {
            fault = Fault.valueOf(path[1]);
            id = Long.parseLong(path[2]);
        } catch (RuntimeException e) {
            send(conn, ascii("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), After.CLOSE);
            return;
        }
        injected.incrementAndGet(fault.ordinal());
        requestsById.merge(id, 1, Integer::sum);
        byte[] fixedHead = ascii("HTTP/1.1 200 OK\r\nContent-Length: " + FAULTY_BODY_BYTES + "\r\n\r\n");
        byte[] halfBody = new byte[FAULTY_BODY_BYTES / 2];
        switch (fault) {
            case NONE -> send(conn, normal(id), After.KEEP);
            case CLOSE_IDLE -> send(conn, normal(id), After.IDLE_CLOSE);
            case RESET_AT_START, REFUSE -> conn.close(true);
            case ACCEPT_CLOSE -> conn.close(false);
            case RESET_AFTER_HEADERS -> send(conn, fixedHead, After.RESET);
            case RESET_MID_BODY -> send(conn, concat(fixedHead, halfBody), After.RESET);
            case STALL_AT_START -> conn.after = After.STALL;
            case STALL_BEFORE_BODY -> send(conn, fixedHead, After.STALL);
            case STALL_MID_BODY -> send(conn, concat(fixedHead, halfBody), After.STALL);
            case DRIP -> drip(conn);
            case GARBAGE -> send(conn, garbage(id), After.CLOSE);
            case TRUNCATED_CHUNKED -> send(conn, truncatedChunked(id), After.CLOSE);
        }
    }

    /** The whole response of {@link Fault#NONE}: Content-Length for even ids; for odd ones chunks of 1,000 bytes and a trailer. */
    private static byte[] normal(long id) {
        byte[] body = body(id);
        if (id % 2 == 0) {
            return concat(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n"), body);
        }
        StringBuilder chunked = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int from = 0; from < body.length; from += 1000) {
            int n = Math.min(1000, body.length - from);
            chunked.append(Integer.toHexString(n)).append("\r\n")
                    .append(new String(body, from, n, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        return ascii(chunked.append("0\r\nX-Transfer: ").append(id).append("\r\n\r\n").toString());
    }

    private static byte[] garbage(long id) {
        byte[] bytes = new byte[48];
        new Random(id).nextBytes(bytes);
        bytes[0] = (byte) ('I' + Math.floorMod(bytes[0], 18));
        return bytes;
    }

    private static byte[] truncatedChunked(long id) {
        String secondChunkStart = ("of " + id + "          ").substring(0, 10);
        return ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n20\r\n"
                + secondChunkStart);
    }

    private void drip(Conn conn) {
        byte[] body = new byte[DRIP_BODY_BYTES];
        Arrays.fill(body, (byte) 'd');
        conn.drip = ByteBuffer.wrap(concat(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n"), body));
        conn.after = After.DRIP;
        schedule(conn, DRIP_INTERVAL_MS, () -> dripOne(conn));
    }

    private void dripOne(Conn conn) {
        ByteBuffer one = conn.drip.slice(conn.drip.position(), 1);
        try {
            if (conn.channel.write(one) == 1) {
                conn.drip.position(conn.drip.position() + 1);
            }
        } catch (IOException clientGone) {
            conn.close(false);
            return;
        }
        if (conn.drip.hasRemaining()) {
            schedule(conn, DRIP_INTERVAL_MS, () -> dripOne(conn));
            return;
        }
        conn.drip = null;
        conn.after = After.KEEP;
        try {
            serveBuffered(conn);
        } catch (IOException clientGone) {
            conn.close(false);
        }
    }

    private void send(Conn conn, byte[] bytes, After after) throws IOException {
        conn.out.add(ByteBuffer.wrap(bytes));
        conn.after = after;
        flush(conn);
    }

    /** Writes what is queued; once all of it is out, does what {@code conn.after} says. */
    private void flush(Conn conn) throws IOException {
        while (!conn.out.isEmpty()) {
            ByteBuffer next = conn.out.peek();
            conn.channel.write(next);
            if (next.hasRemaining()) {
                conn.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
            conn.out.poll();
        }
        conn.key.interestOps(SelectionKey.OP_READ);
        switch (conn.after) {
            case CLOSE -> conn.close(false);
            case RESET -> conn.close(true);
            case IDLE_CLOSE -> {
                conn.after = After.KEEP;
                schedule(conn, IDLE_CLOSE_MS, () -> conn.close(false));
                serveBuffered(conn);
            }
            case KEEP -> serveBuffered(conn);
            default -> { }
        }
    }

    /** Runs {@code action} in {@code delayMs} unless the connection closed or read another request meanwhile. */
    private void schedule(Conn conn, long delayMs, Runnable action) {
        timers.add(new Timer(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs), timerSeq++, conn,
                conn.generation, action));
    }

    private void runDueTimers() {
        long now = System.nanoTime();
        while (!timers.isEmpty() && now - timers.peek().atNanos() >= 0) {
            Timer timer = timers.poll();
            if (timer.conn().channel.isOpen() && timer.conn().generation == timer.generation()) {
                timer.action().run();
            }
        }
    }

    /** One accepted connection of the main listener; server thread only. */
    private final class Conn {
        final SocketChannel channel;
        final ByteBuffer head = ByteBuffer.allocate(HEAD_LIMIT);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        SelectionKey key;
        After after = After.KEEP;
        ByteBuffer drip;
        int generation;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }

        /** Closes with a FIN, or with a RST when {@code reset}. */
        void close(boolean reset) {
            if (!channel.isOpen()) {
                return;
            }
            key.cancel();
            if (reset) {
                reset(channel);
            } else {
                closeQuietly(channel);
            }
            open.decrementAndGet();
        }
    }

    private static void reset(SocketChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException alreadyGone) {
            // the close below frees the socket all the same
        }
        closeQuietly(channel);
    }

    private static int indexOf(ByteBuffer buffer, byte[] pattern) {
        byte[] a = buffer.array();
        for (int i = 0; i + pattern.length <= buffer.position(); i++) {
            if (Arrays.equals(a, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing on the way out, or after the client left: nothing to do with a failure
        }
    }
}
