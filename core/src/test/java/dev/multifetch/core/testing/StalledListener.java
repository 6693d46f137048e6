package dev.multifetch.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback listener that holds clients back until the test says go: either its accept queue
 * is full (so a new client's TCP connect stays pending), or it accepts but does not read (so a
 * large request fills the socket buffers). Then it answers every request with one response.
 */
public final class StalledListener implements AutoCloseable {

    private final ServerSocket server;
    private final List<SocketChannel> fillers = new CopyOnWriteArrayList<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicLong bodyBytes = new AtomicLong();
    private volatile String response;

    private StalledListener(int backlog, InetAddress bindAddress) throws IOException {
        this.server = new ServerSocket(0, backlog, bindAddress);
    }

    /** A listener whose accept queue is full: the next connect to it stays pending. */
    public static StalledListener withFullBacklog() throws IOException {
        return withFullBacklog(InetAddress.getLoopbackAddress());
    }

    /** A listener on {@code bindAddress} (such as {@code ::1}) whose accept queue is full. */
    public static StalledListener withFullBacklog(InetAddress bindAddress) throws IOException {
        StalledListener l = new StalledListener(1, bindAddress);
        InetSocketAddress address = new InetSocketAddress(bindAddress, l.port());
        for (int i = 0; i < 16; i++) {
            SocketChannel c = SocketChannel.open();
            c.configureBlocking(false);
            l.fillers.add(c);
            if (!c.connect(address) && !connectsWithin(c, 200)) {
                return l;
            }
        }
        l.close();
        throw new IllegalStateException("could not fill the accept queue of the listener");
    }

    /** Whether a pending connect completes within {@code ms}: a full accept queue drops the SYN, so it does not. */
    private static boolean connectsWithin(SocketChannel c, long ms) throws IOException {
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() - end < 0) {
            if (c.finishConnect()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /** A listener that accepts at once but reads nothing until {@link #startAnswering}. */
    public static StalledListener readingAfterLatch() throws IOException {
        StalledListener l = new StalledListener(50, InetAddress.getLoopbackAddress());
        l.spawn(l::acceptLoop);
        return l;
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** Request body bytes read so far. */
    public long bodyBytesRead() {
        return bodyBytes.get();
    }

    /** From now on, reads each request and answers it with {@code rawResponse}. */
    public synchronized void startAnswering(String rawResponse) {
        boolean accepting = !threads.isEmpty();
        this.response = rawResponse;
        notifyAll();
        if (!accepting) {
            spawn(this::acceptLoop);
        }
    }

    private void acceptLoop() {
        try {
            while (!server.isClosed()) {
                Socket s = server.accept();
                accepted.add(s);
                spawn(() -> answer(s));
            }
        } catch (IOException closed) {
            // the listener was closed: the test is over
        }
    }

    private void answer(Socket s) {
        try (s) {
            synchronized (this) {
                while (response == null) {
                    wait();
                }
            }
            InputStream in = s.getInputStream();
            long length = readHead(in);
            byte[] buf = new byte[64 * 1024];
            for (long left = length; left > 0; ) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    return;
                }
                left -= n;
                bodyBytes.addAndGet(n);
            }
            s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        } catch (IOException | InterruptedException e) {
            // a filler that never sends, or the test closing us
        }
    }

    /** Reads a request head; returns its Content-Length (0 if none), or -1 at EOF. */
    private static long readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return -1;
            }
            head.append((char) b);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring(15).trim());
            }
        }
        return 0;
    }

    private void spawn(Runnable r) {
        Thread t = new Thread(r, "stalled-listener");
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    @Override
    public void close() {
        try {
            server.close();
            for (SocketChannel c : fillers) {
                c.close();
            }
            for (Socket s : accepted) {
                s.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) {
            notifyAll();
        }
        for (Thread t : threads) {
            t.interrupt();
        }
    }
}
