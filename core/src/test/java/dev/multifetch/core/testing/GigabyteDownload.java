package dev.multifetch.core.testing;

import dev.multifetch.core.BodyConsumer;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A program for a child JVM with a small heap: it serves a generated body of {@code args[0]} bytes
 * (1 GiB by default) from a loopback socket, fetches it through a {@link FetchEngine} into a
 * consumer that checks every byte against the pattern and keeps none, and prints
 * {@code bytes=<count> maxHeap=<bytes>}. Exits 0 when every byte arrived in order, 1 otherwise.
 *
 * <p>The body is {@code position % 251} at each position: a prime period that no buffer size
 * divides, so a lost, repeated or reordered piece shows as a mismatch.
 */
public final class GigabyteDownload {

    /** The default body size: 1 GiB. */
    public static final long GIBIBYTE = 1L << 30;

    private static final int PERIOD = 251;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private GigabyteDownload() {
    }

    public static void main(String[] args) throws Exception {
        long size = args.length > 0 ? Long.parseLong(args[0]) : GIBIBYTE;
        PatternCheck check = new PatternCheck();
        int status;
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             FetchEngine engine = FetchEngine.create()) {
            Thread server = new Thread(() -> serveOnce(listener, size), "gigabyte-server");
            server.setDaemon(true);
            server.start();
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            FetchResponse response = engine.fetch(FetchRequest.builder("http://127.0.0.1:" + port + "/gigabyte")
                    .bodyConsumer(check).maxBodySize(size).timeout(WAIT).build())
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            status = response.status();
        }
        System.out.println("bytes=" + check.count + " maxHeap=" + Runtime.getRuntime().maxMemory()
                + " status=" + status + " mismatchAt=" + check.mismatchAt);
        System.exit(status == 200 && check.mismatchAt < 0 && check.count == size ? 0 : 1);
    }

    /** Answers one request with {@code size} bytes of the pattern. */
    private static void serveOnce(ServerSocketChannel listener, long size) {
        try (SocketChannel client = listener.accept()) {
            readHead(client);
            String head = "HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n";
            writeFully(client, ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
            ByteBuffer block = ByteBuffer.allocateDirect(PERIOD * 256);
            for (int i = 0; i < block.capacity(); i++) {
                block.put((byte) (i % PERIOD));
            }
            for (long left = size; left > 0; left -= block.limit()) {
                block.clear().limit((int) Math.min(block.capacity(), left));
                writeFully(client, block);
            }
        } catch (IOException e) {
            e.printStackTrace();
        }
    }

    private static void readHead(SocketChannel client) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            if (client.read(buf.clear()) < 0) {
                throw new IOException("client closed before its request head ended");
            }
            head.write(buf.array(), 0, buf.position());
        }
    }

    private static void writeFully(SocketChannel client, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            client.write(buf);
        }
    }

    /** Checks each byte against the pattern and counts them; keeps nothing. */
    private static final class PatternCheck implements BodyConsumer {

        long count;
        long mismatchAt = -1;
        private int expected;

        @Override
        public boolean onData(ByteBuffer data) {
            while (data.hasRemaining()) {
                if (data.get() != (byte) expected && mismatchAt < 0) {
                    mismatchAt = count;
                }
                count++;
                expected = expected == PERIOD - 1 ? 0 : expected + 1;
            }
            return true;
        }
    }
}
