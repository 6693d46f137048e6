package dev.multifetch.core.testing;

import dev.multifetch.core.testing.TestCertificates.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A raw-socket, frame-level HTTP/2 server on {@code 127.0.0.1}, port 0, for the behaviour real
 * servers never show: a test's {@link Handler} writes every frame itself, legal or not, through a
 * {@link H2Conn}, and reads the client's frames one by one. It frames and decodes HPACK with the
 * fixtures' own {@link H2Frames} and {@link H2Hpack}, never with the code under test.
 *
 * <p>Cleartext servers expect prior knowledge (the client preface right away); {@link #tls} servers
 * offer only {@code h2} by ALPN. Each accepted connection runs on its own daemon thread
 * ({@code h2-scripted-server-N}): it reads the 24-octet client preface, then runs the handler.
 * When the handler returns with the connection still open, the thread keeps reading and recording
 * the client's frames (and ACKing its SETTINGS) until the client closes or the server does, so a
 * test can assert afterwards on what the client sent, with {@link H2Conn#awaitReceived}. An exception
 * from a handler ends its connection alone and is kept in {@link #failures()}. {@link #close()}
 * closes the listener and every connection and waits for the threads.
 */
public final class H2ScriptedServer implements AutoCloseable {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final ServerSocket listener;
    private final boolean tls;
    private final Handler handler;
    private final ExecutorService threads = Executors.newCachedThreadPool(namedDaemons());
    private final List<H2Conn> connections = new ArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private boolean closed;

    /** What a test does with one accepted connection, on that connection's own thread. */
    @FunctionalInterface
    public interface Handler {
        void handle(H2Conn conn) throws Exception;
    }

    /** What a test does with a connection whose client spoke HTTP/1.1 instead (see {@link #http11}). */
    @FunctionalInterface
    public interface Http11Handler {
        void handle(java.io.InputStream in, java.io.OutputStream out) throws Exception;
    }

    private volatile Http11Handler http11;

    /** Answers connections that do not start with the HTTP/2 preface with {@code handler}, as a server speaking both would. */
    public H2ScriptedServer http11(Http11Handler handler) {
        this.http11 = handler;
        return this;
    }

    /** A cleartext (h2c, prior knowledge) server running {@code handler} on every connection. */
    public H2ScriptedServer(Handler handler) {
        this(plainListener(), false, handler);
    }

    private H2ScriptedServer(ServerSocket listener, boolean tls, Handler handler) {
        this.listener = listener;
        this.tls = tls;
        this.handler = Objects.requireNonNull(handler, "handler");
        threads.execute(this::acceptLoop);
    }

    /** A TLS server presenting {@code identity} that offers only {@code h2} by ALPN. */
    public static H2ScriptedServer tls(Identity identity, Handler handler) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(identity.keyStore(), TestCertificates.PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 1024, InetAddress.getByName("127.0.0.1"));
            SSLParameters parameters = listener.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            listener.setSSLParameters(parameters);
            return new H2ScriptedServer(listener, true, handler);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up TLS for " + identity.certificate().getSubjectX500Principal(), e);
        }
    }

    /** The port this server listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port><path>} ({@code https} for a TLS server); {@code path} should start with a slash. */
    public String url(String path) {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port() + path;
    }

    /** How many connections this server has accepted. */
    public int connectionCount() {
        synchronized (lock) {
            return connections.size();
        }
    }

    /** Every connection accepted so far, in order ({@link H2Conn#id()} 1 first). */
    public List<H2Conn> connections() {
        synchronized (lock) {
            return List.copyOf(connections);
        }
    }

    /** Waits up to ten seconds for the {@code id}-th connection (1 for the first) and returns it. */
    public H2Conn awaitConnection(int id) {
        long deadline = System.nanoTime() + H2Conn.DEFAULT_READ_TIMEOUT.toNanos();
        synchronized (lock) {
            while (connections.size() < id) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) {
                    throw new AssertionError("expected connection " + id + " within " + H2Conn.DEFAULT_READ_TIMEOUT
                            + " but saw " + connections.size());
                }
                try {
                    lock.wait(leftMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for connection " + id, e);
                }
            }
            return connections.get(id - 1);
        }
    }

    /** What ended connections early: handler exceptions, a bad preface, a client gone mid-handler. */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /** Closes the listener and every connection, and waits for the connection threads to end. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly(listener);
        sockets.forEach(H2ScriptedServer::closeQuietly);
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("h2-scripted-server threads still running after " + CLOSE_WAIT);
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
            H2Conn conn = register(socket);
            if (conn == null) {
                closeQuietly(socket);
                return;
            }
            try {
                threads.execute(() -> serve(conn));
            } catch (RejectedExecutionException shuttingDown) {
                closeQuietly(socket);
            }
        }
    }

    /** Records the connection; null when the server closed meanwhile. */
    private H2Conn register(Socket socket) {
        synchronized (lock) {
            if (closed) {
                return null;
            }
            sockets.add(socket);
            H2Conn conn = new H2Conn(connections.size() + 1, socket);
            connections.add(conn);
            lock.notifyAll();
            return conn;
        }
    }

    private void serve(H2Conn conn) {
        Socket socket = conn.socket();
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) H2Conn.DEFAULT_READ_TIMEOUT.toMillis());
            if (socket instanceof SSLSocket ssl) {
                ssl.startHandshake();
            }
            Http11Handler fallback = http11;
            if (fallback != null && !conn.startsWithPreface()) {
                fallback.handle(conn.input(), conn.output());
                return;
            }
            conn.readPreface();
            handler.handle(conn);
            if (!socket.isClosed()) {
                conn.drain();
            }
        } catch (Exception e) {
            if (!isClosed()) {
                failures.add(e);
            }
        } finally {
            conn.ended();
            sockets.remove(socket);
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private static ServerSocket plainListener() {
        try {
            return new ServerSocket(0, 1024, InetAddress.getByName("127.0.0.1"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing on teardown: nothing useful to do with a failure here
        }
    }

    private static ThreadFactory namedDaemons() {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "h2-scripted-server-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The first header block a client sent on a stream, decoded. */
    public record Request(int streamId, List<Map.Entry<String, String>> fields, boolean endStream) {

        /** The {@code :method} pseudo-header. */
        public String method() {
            return header(":method").orElseThrow(() -> new AssertionError("no :method in " + fields));
        }

        /** The {@code :path} pseudo-header. */
        public String path() {
            return header(":path").orElseThrow(() -> new AssertionError("no :path in " + fields));
        }

        /** The value of the first field called exactly {@code name} (HTTP/2 field names are lower case). */
        public Optional<String> header(String name) {
            return fields.stream().filter(f -> f.getKey().equals(name)).map(Map.Entry::getValue).findFirst();
        }

        /** The values of every field called exactly {@code name}, in order. */
        public List<String> headers(String name) {
            return fields.stream().filter(f -> f.getKey().equals(name)).map(Map.Entry::getValue).toList();
        }
    }
}
