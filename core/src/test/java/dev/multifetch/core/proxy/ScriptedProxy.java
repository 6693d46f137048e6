package dev.multifetch.core.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A raw TCP "proxy" on 127.0.0.1, port 0, that plays one script per accepted connection, in
 * order, and records every byte the client sent on each. When a script returns, the server
 * half-closes its side, reads on until the client closes (so the record is complete and no
 * reset cuts the client's reads), then closes. A script failure is rethrown by {@link #close()}.
 */
final class ScriptedProxy implements AutoCloseable {

    private static final int SOCKET_TIMEOUT_MS = 10_000;

    /** What the server does on one connection. */
    @FunctionalInterface
    interface Script {
        /** Talks to the client through {@code peer}. */
        void run(Peer peer) throws Exception;
    }

    private final List<Script> scripts;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<CompletableFuture<byte[]>> records = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Thread> servers = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);

    /** Listens and answers the i-th connection with {@code scripts[i]}. */
    ScriptedProxy(Script... scripts) throws IOException {
        this.scripts = List.of(scripts);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        for (int i = 0; i < scripts.length; i++) {
            records.add(new CompletableFuture<>());
        }
        this.acceptor = new Thread(this::acceptLoop, "scripted-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where to connect. */
    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** The port. */
    int port() {
        return listener.getLocalPort();
    }

    /** Lets every script waiting in {@link Peer#awaitRelease()} go on. */
    void release() {
        released.countDown();
    }

    /** Everything the client sent on connection {@code index} (from 0), once that connection is over. */
    byte[] received(int index) throws Exception {
        return records.get(index).get(SOCKET_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
    }

    /** {@link #received} as ISO-8859-1 text. */
    String receivedText(int index) throws Exception {
        return new String(received(index), StandardCharsets.ISO_8859_1);
    }

    private void acceptLoop() {
        for (int i = 0; !listener.isClosed(); i++) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(s);
            if (i >= scripts.size()) {
                failures.add(new AssertionError("connection " + (i + 1) + " but only " + scripts.size() + " scripts"));
                closeQuietly(s);
                continue;
            }
            int index = i;
            Thread t = new Thread(() -> serve(s, index), "scripted-proxy-" + index);
            t.setDaemon(true);
            servers.add(t);
            t.start();
        }
    }

    private void serve(Socket socket, int index) {
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        try (socket) {
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            Peer peer = new Peer(socket.getInputStream(), socket.getOutputStream(), record);
            scripts.get(index).run(peer);
            socket.shutdownOutput();
            peer.readToEnd();
        } catch (Throwable e) {
            if (!(e instanceof SocketException && socket.isClosed())) {
                failures.add(e);
            }
        } finally {
            sockets.remove(socket);
            records.get(index).complete(record.toByteArray());
        }
    }

    @Override
    public void close() throws Exception {
        release();
        closeQuietly(listener);
        sockets.forEach(ScriptedProxy::closeQuietly);
        acceptor.join(SOCKET_TIMEOUT_MS);
        for (Thread t : servers) {
            t.join(SOCKET_TIMEOUT_MS);
        }
        records.forEach(r -> r.complete(new byte[0]));
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("scripted proxy failed: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing on the way out
        }
    }

    /** The server's end of one connection, recording what it reads. */
    final class Peer {

        private final InputStream in;
        private final OutputStream out;
        private final ByteArrayOutputStream record;

        private Peer(InputStream in, OutputStream out, ByteArrayOutputStream record) {
            this.in = in;
            this.out = out;
            this.record = record;
        }

        /** Exactly {@code n} bytes from the client. */
        byte[] read(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            record.writeBytes(b);
            if (b.length < n) {
                throw new AssertionError("client sent " + b.length + " bytes and closed; expected " + n);
            }
            return b;
        }

        /** One request head, up to and including its empty line, as ISO-8859-1 text. */
        String readHead() throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) (read(1)[0] & 0xff));
            }
            return head.toString();
        }

        /** Sends {@code bytes} in one write. */
        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Sends {@code text} as ISO-8859-1, in one write. */
        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Waits until the test calls {@link ScriptedProxy#release()}. */
        void awaitRelease() throws InterruptedException {
            if (!released.await(SOCKET_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("never released");
            }
        }

        private void readToEnd() throws IOException {
            try {
                record.writeBytes(in.readAllBytes());
            } catch (SocketException e) {
                // a client that resets instead of closing has still said all it will
            }
        }
    }
}
