package dev.multifetch.core.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket HTTP/1.1 server on {@code 127.0.0.1}, port 0, that hands each request to a
 * {@link Handler} as soon as its head is read and leaves the body on the wire: so the handler can
 * answer {@code Expect: 100-continue} before the body comes, answer without reading the body at
 * all, time the body's arrival, or read a chunked body strictly, frame by frame.
 * {@link ScriptedServer} reads the whole request before it answers and can do none of these.
 *
 * <p>Each connection runs on its own daemon thread ({@code head-first-server-N}); when the handler
 * returns, the next request is read from the same connection unless the handler closed it. An
 * exception ends that connection alone and is kept in {@link #failures()}. {@link #close()}
 * closes the listener and every socket and waits for the threads.
 */
public final class HeadFirstServer implements AutoCloseable {

    private static final int MAX_LINE = 16 * 1024;

    private final ServerSocket listener;
    private final ExecutorService threads;
    private final Handler handler;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closing;

    /** Starts a server on an ephemeral loopback port that answers every request with {@code handler}. */
    public HeadFirstServer(Handler handler) {
        this.handler = handler;
        try {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        }
        AtomicInteger n = new AtomicInteger();
        threads = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "head-first-server-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        threads.execute(this::acceptLoop);
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "http://127.0.0.1:" + listener.getLocalPort() + path;
    }

    /** How many connections were accepted. */
    public int connectionCount() {
        return connections.get();
    }

    /** Every request whose head was read, in arrival order. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Exceptions that ended connections while the server was not closing. */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing on teardown
        }
        sockets.forEach(HeadFirstServer::closeQuietly);
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("head-first-server threads still running after 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                int id = connections.incrementAndGet();
                threads.execute(() -> serve(socket, id));
            } catch (IOException | RejectedExecutionException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket, int connectionId) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int index = 0; !socket.isClosed(); index++) {
                String requestLine = readLine(in, true);
                if (requestLine == null) {
                    return;
                }
                Exchange exchange = new Exchange(socket, in, requestLine, readFields(in), connectionId, index);
                exchanges.add(exchange);
                handler.handle(exchange);
            }
        } catch (IOException | RuntimeException | AssertionError e) {
            if (!closing) {
                failures.add(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sockets.remove(socket);
        }
    }

    private static List<Map.Entry<String, String>> readFields(InputStream in) throws IOException {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: \"" + line + "\"");
            }
            fields.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
        return fields;
    }

    /** A line that must end in CRLF, without it; null at a clean EOF when {@code eofAllowed}. */
    private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0 && eofAllowed && line.size() == 0) {
                return null;
            }
            if (b < 0 || line.size() > MAX_LINE) {
                throw new EOFException("request line cut off or too long after " + line.size() + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        if (!text.endsWith("\r")) {
            throw new IOException("line not ended by CRLF: \"" + text + "\"");
        }
        return text.substring(0, text.length() - 1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing on teardown
        }
    }

    /** Answers one request whose head was read; runs on the connection's thread. */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange exchange) throws IOException, InterruptedException;
    }

    /** A chunked body as it came: the payload and the size of each chunk, the last (0) one excluded. */
    public record Chunked(byte[] payload, List<Integer> chunkSizes) {
    }

    /** One request: its head, read, and its body, still on the wire. */
    public static final class Exchange {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String method;
        private final String target;
        private final List<Map.Entry<String, String>> fields;
        private final int connectionId;
        private final int index;
        private final long headReadNanos = System.nanoTime();

        private Exchange(Socket socket, InputStream in, String requestLine, List<Map.Entry<String, String>> fields,
                         int connectionId, int index) throws IOException {
            String[] parts = requestLine.split(" ", -1);
            if (parts.length != 3 || !parts[2].equals("HTTP/1.1")) {
                throw new IOException("malformed request line: \"" + requestLine + "\"");
            }
            this.socket = socket;
            this.in = in;
            this.out = socket.getOutputStream();
            this.method = parts[0];
            this.target = parts[1];
            this.fields = List.copyOf(fields);
            this.connectionId = connectionId;
            this.index = index;
        }

        public String method() {
            return method;
        }

        public String target() {
            return target;
        }

        /** 1 for the first connection accepted. */
        public int connectionId() {
            return connectionId;
        }

        /** 0 for the first request on its connection. */
        public int index() {
            return index;
        }

        /** {@link System#nanoTime()} when the head had been read. */
        public long headReadNanos() {
            return headReadNanos;
        }

        /** The first header called {@code name}, any case. */
        public Optional<String> header(String name) {
            return fields.stream().filter(f -> f.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
        }

        /** Reads the body as framed: chunked (strictly), else exactly {@code Content-Length} bytes, else none. */
        public byte[] readBody() throws IOException {
            if (header("Transfer-Encoding").filter("chunked"::equalsIgnoreCase).isPresent()) {
                return readChunked().payload();
            }
            int length = Integer.parseInt(header("Content-Length").orElse("0"));
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("request body ended after " + body.length + " of " + length + " bytes");
            }
            return body;
        }

        /**
         * Reads a chunked body strictly: each size line plain hex ended by CRLF, each chunk's data
         * followed by exactly CRLF, and a last chunk {@code 0} with no trailer fields.
         */
        public Chunked readChunked() throws IOException {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            List<Integer> sizes = new ArrayList<>();
            for (int size = chunkSize(readLine(in, false)); size > 0; size = chunkSize(readLine(in, false))) {
                sizes.add(size);
                byte[] data = in.readNBytes(size);
                if (data.length < size || !readLine(in, false).isEmpty()) {
                    throw new IOException("chunk of " + size + " bytes not followed by CRLF");
                }
                payload.writeBytes(data);
            }
            String trailer = readLine(in, false);
            if (!trailer.isEmpty()) {
                throw new IOException("unexpected trailer after the last chunk: \"" + trailer + "\"");
            }
            return new Chunked(payload.toByteArray(), List.copyOf(sizes));
        }

        private static int chunkSize(String line) throws IOException {
            if (line.isEmpty() || line.length() > 8 || !line.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IOException("not a plain hex chunk size: \"" + line + "\"");
            }
            return Integer.parseInt(line, 16);
        }

        /** Sends {@code text} as ISO-8859-1 and flushes. */
        public Exchange send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return this;
        }

        /** Sends a response with {@code body} (ISO-8859-1) and its {@code Content-Length}. */
        public Exchange respond(int status, String body) throws IOException {
            return send("HTTP/1.1 " + status + " Status " + status + "\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body);
        }

        /** Closes the connection. */
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public String toString() {
            return method + " " + target + " (connection " + connectionId + " #" + index + ")";
        }
    }
}
