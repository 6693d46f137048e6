package dev.multifetch.core.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket HTTP/1.1 server on {@code 127.0.0.1}, port 0, that answers each request with a
 * {@link Script}: bytes to send, pauses, a half-close, a close, a reset, a stall. It records every
 * connection and request it saw, so a test can assert what the client put on the wire.
 *
 * <p>Each accepted connection runs on its own daemon thread ({@code scripted-server-N}). The thread
 * reads a request (head, then a {@code Content-Length} or chunked body), records it, asks the
 * {@link Dispatcher} for a script and runs it; a script that ends without closing leaves the
 * connection open for the next request. Any exception ends that connection alone and is kept in
 * {@link #connectionFailures()}. {@link #close()} closes the listener and every accepted socket,
 * releases every pause and stall, and waits for the threads.
 */
public final class ScriptedServer implements AutoCloseable {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private final ServerSocket listener;
    private final ExecutorService threads;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger peakOpen = new AtomicInteger();
    private final AtomicInteger clientClosed = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Object lock = new Object();
    private volatile Dispatcher dispatcher = (index, request) ->
            script().sendResponse(404, Map.of("Content-Length", "0"), new byte[0]);
    private boolean closed;

    /** Starts a server listening on an ephemeral loopback port. */
    public ScriptedServer() {
        this(new InetSocketAddress("127.0.0.1", 0));
    }

    /**
     * Starts a server listening on {@code address}: another loopback address, or a port another
     * listener holds on a different address (to answer on one address family of a host only).
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public ScriptedServer(InetSocketAddress address) {
        try {
            this.listener = new ServerSocket();
            listener.bind(address, 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address, e);
        }
        this.threads = Executors.newCachedThreadPool(namedDaemons());
        threads.execute(this::acceptLoop);
    }

    /** An empty script: sends nothing and leaves the connection open for the next request. */
    public static Script script() {
        return new Script(List.of());
    }

    /** A script that answers 200 with {@code body} and its {@code Content-Length}. */
    public static Script ok(String body) {
        return script().ok(body);
    }

    /** The port this server listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code http://<address>:<port><path>}, such as {@code http://127.0.0.1:41234/a}; {@code path} should start with a slash. */
    public String url(String path) {
        InetAddress address = listener.getInetAddress();
        String host = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        return "http://" + host + ":" + port() + path;
    }

    /** Answers every request with {@code script}. */
    public ScriptedServer defaultScript(Script script) {
        Objects.requireNonNull(script, "script");
        return dispatcher((index, request) -> script);
    }

    /** Answers each request with the script {@code dispatcher} picks for it. */
    public ScriptedServer dispatcher(Dispatcher dispatcher) {
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        return this;
    }

    /** How many connections this server has accepted. */
    public int connectionCount() {
        return connections.get();
    }

    /** How many accepted connections are open now (the server closes its side once it reads the client's EOF). */
    public int openConnectionCount() {
        return openSockets.size();
    }

    /** The most connections that were open at once. */
    public int peakOpenConnections() {
        return peakOpen.get();
    }

    /** How many connections the client closed cleanly between requests (the server read EOF where a request would start). */
    public int clientClosedCount() {
        return clientClosed.get();
    }

    /** Every request read so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** Waits up to ten seconds for at least {@code n} requests and returns them all. */
    public List<RecordedRequest> awaitRequests(int n) {
        return awaitRequests(n, Duration.ofSeconds(10));
    }

    /** Waits up to {@code timeout} for at least {@code n} requests and returns them all. */
    public List<RecordedRequest> awaitRequests(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (requests.size() < n) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) {
                    throw new AssertionError("expected " + n + " requests within " + timeout
                            + " but saw " + requests.size() + ": " + requests);
                }
                try {
                    lock.wait(leftMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for " + n + " requests", e);
                }
            }
            return List.copyOf(requests);
        }
    }

    /** Exceptions that ended connections (a client hanging up mid-script lands here too). */
    public List<Throwable> connectionFailures() {
        return List.copyOf(failures);
    }

    /** Closes the listener and every connection, releases stalls and pauses, and waits for the threads. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closing.countDown();
        closeQuietly(listener);
        openSockets.forEach(ScriptedServer::closeQuietly);
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("scripted-server threads still running after " + CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException closedListener) {
                return;
            }
            int id = connections.incrementAndGet();
            if (!track(socket)) {
                closeQuietly(socket);
                return;
            }
            try {
                threads.execute(() -> serve(socket, id));
            } catch (RejectedExecutionException shuttingDown) {
                closeQuietly(socket);
            }
        }
    }

    private boolean track(Socket socket) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            openSockets.add(socket);
            peakOpen.accumulateAndGet(openSockets.size(), Math::max);
            return true;
        }
    }

    private void serve(Socket socket, int connectionId) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Connection connection = new Connection(socket, socket.getOutputStream(), closing);
            for (int index = 0; ; index++) {
                Optional<RecordedRequest> request = readRequest(in, connectionId, index);
                if (request.isEmpty()) {
                    clientClosed.incrementAndGet();
                    return;
                }
                record(request.get());
                if (!dispatcher.scriptFor(index, request.get()).runOn(connection)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (closing.getCount() > 0) {
                failures.add(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            openSockets.remove(socket);
        }
    }

    private void record(RecordedRequest request) {
        synchronized (lock) {
            requests.add(request);
            lock.notifyAll();
        }
    }

    /** Reads one request; empty when the client closed cleanly before sending a byte of it. */
    private static Optional<RecordedRequest> readRequest(InputStream in, int connectionId, int index)
            throws IOException {
        String requestLine = readLine(in, true);
        if (requestLine == null) {
            return Optional.empty();
        }
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3) {
            throw new IOException("malformed request line: \"" + requestLine + "\"");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        int headBytes = requestLine.length();
        for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
            headBytes += line.length() + 2;
            if (headBytes > MAX_HEAD_BYTES) {
                throw new IOException("request head larger than " + MAX_HEAD_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: \"" + line + "\"");
            }
            headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
        byte[] body = readBody(in, headers);
        return Optional.of(new RecordedRequest(parts[0], parts[1], parts[2], List.copyOf(headers), body,
                connectionId, index));
    }

    private static byte[] readBody(InputStream in, List<Map.Entry<String, String>> headers) throws IOException {
        Optional<String> chunked = headerValue(headers, "Transfer-Encoding");
        if (chunked.isPresent() && chunked.get().toLowerCase(Locale.ROOT).contains("chunked")) {
            return readChunked(in);
        }
        Optional<String> length = headerValue(headers, "Content-Length");
        return length.isPresent() ? readExactly(in, Integer.parseInt(length.get().trim())) : new byte[0];
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, false);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine(in, false).isEmpty()) {
                    // trailer fields are read and dropped
                }
                return body.toByteArray();
            }
            body.write(readExactly(in, size));
            readLine(in, false);
        }
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("request body ended after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    /** A line without its CRLF (a bare LF is accepted); null at a clean EOF when {@code eofAllowed}. */
    private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                if (eofAllowed && line.size() == 0) {
                    return null;
                }
                throw new EOFException("request ended mid-line after \"" + line.toString(StandardCharsets.ISO_8859_1) + "\"");
            }
            if (line.size() > MAX_HEAD_BYTES) {
                throw new IOException("request line longer than " + MAX_HEAD_BYTES + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static Optional<String> headerValue(List<Map.Entry<String, String>> headers, String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing on teardown: nothing useful to do with a failure here
        }
    }

    private static ThreadFactory namedDaemons() {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "scripted-server-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Picks the script for one request. {@code requestIndexOnConnection} is 0 for a connection's first request. */
    @FunctionalInterface
    public interface Dispatcher {
        Script scriptFor(int requestIndexOnConnection, RecordedRequest request);
    }

    /**
     * One request as the server read it. {@code connectionId} is 1 for the first accepted connection;
     * {@code indexOnConnection} is 0 for the first request on that connection.
     */
    public record RecordedRequest(String method, String target, String version,
                                  List<Map.Entry<String, String>> headers, byte[] body,
                                  int connectionId, int indexOnConnection) {

        /** The value of the first header called {@code name} (any case). */
        public Optional<String> header(String name) {
            return headerValue(headers, name);
        }

        /** The values of every header called {@code name} (any case), in order. */
        public List<String> headers(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }

        /** The body decoded as UTF-8. */
        public String bodyAsString() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return method + " " + target + " " + version + " (connection " + connectionId + " #" + indexOnConnection
                    + ", " + body.length + " body bytes)";
        }
    }

    /** What one connection thread works on while it runs a script. */
    private record Connection(Socket socket, OutputStream out, CountDownLatch closing) {
    }

    /** One action of a script; returns false when the connection is over. */
    @FunctionalInterface
    private interface Step {
        boolean run(Connection connection) throws IOException, InterruptedException;
    }

    /**
     * What the server does in answer to one request: an immutable list of steps run in order.
     * Every method returns a new script with one more step, so scripts can be shared and extended.
     */
    public static final class Script {

        private final List<Step> steps;

        private Script(List<Step> steps) {
            this.steps = steps;
        }

        /** Sends {@code text} as ISO-8859-1 bytes, exactly as given. */
        public Script send(String text) {
            return send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Sends {@code bytes} and flushes. */
        public Script send(byte[] bytes) {
            byte[] copy = bytes.clone();
            return plus(c -> {
                c.out().write(copy);
                c.out().flush();
                return true;
            });
        }

        /** Sends a status line, exactly {@code headers} (no header added) and {@code body} as UTF-8. */
        public Script sendResponse(int status, Map<String, String> headers, String body) {
            return sendResponse(status, headers, body.getBytes(StandardCharsets.UTF_8));
        }

        /** Sends a status line, exactly {@code headers} (no header added) and {@code body}. */
        public Script sendResponse(int status, Map<String, String> headers, byte[] body) {
            StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append("\r\n");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            bytes.writeBytes(body);
            return send(bytes.toByteArray());
        }

        /** Sends 200 with {@code body} (UTF-8) and its {@code Content-Length}. */
        public Script ok(String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Length", Integer.toString(bytes.length));
            headers.put("Content-Type", "text/plain; charset=utf-8");
            return sendResponse(200, headers, bytes);
        }

        /** Sends nothing for {@code duration} (cut short when the server closes). */
        public Script pause(Duration duration) {
            return plus(c -> {
                c.closing().await(duration.toNanos(), TimeUnit.NANOSECONDS);
                return c.closing().getCount() > 0;
            });
        }

        /** Waits for {@code latch}; if it does not open within {@code timeout} the connection is closed and a failure recorded. */
        public Script await(CountDownLatch latch, Duration timeout) {
            return plus(c -> {
                if (!latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new IOException("latch still at " + latch.getCount() + " after " + timeout);
                }
                return true;
            });
        }

        /** Runs {@code action} on the connection thread (to count down a latch, say). */
        public Script run(Runnable action) {
            return plus(c -> {
                action.run();
                return true;
            });
        }

        /** Shuts down the output side (sends FIN) and keeps reading. */
        public Script halfClose() {
            return plus(c -> {
                c.socket().shutdownOutput();
                return true;
            });
        }

        /** Closes the connection (FIN); later steps do not run. */
        public Script close() {
            return plus(c -> {
                c.socket().close();
                return false;
            });
        }

        /** Resets the connection ({@code SO_LINGER} 0, then close: RST); later steps do not run. */
        public Script reset() {
            return plus(c -> {
                c.socket().setSoLinger(true, 0);
                c.socket().close();
                return false;
            });
        }

        /** Keeps the connection open and sends nothing until the server closes. */
        public Script stall() {
            return plus(c -> {
                c.closing().await();
                return false;
            });
        }

        /** This script followed by {@code next}. */
        public Script then(Script next) {
            List<Step> all = new ArrayList<>(steps);
            all.addAll(next.steps);
            return new Script(Collections.unmodifiableList(all));
        }

        private Script plus(Step step) {
            List<Step> all = new ArrayList<>(steps);
            all.add(step);
            return new Script(Collections.unmodifiableList(all));
        }

        /** Runs every step; false when a step ended the connection. */
        private boolean runOn(Connection connection) throws IOException, InterruptedException {
            for (Step step : steps) {
                if (!step.run(connection)) {
                    return false;
                }
            }
            return !connection.socket().isClosed();
        }

        private static String reason(int status) {
            return switch (status) {
                case 200 -> "OK";
                case 201 -> "Created";
                case 204 -> "No Content";
                case 400 -> "Bad Request";
                case 404 -> "Not Found";
                case 500 -> "Internal Server Error";
                default -> "Status " + status;
            };
        }
    }
}
