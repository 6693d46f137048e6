package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.H2Frames.FLAG_ACK;
import static dev.multifetch.core.testing.H2Frames.FLAG_END_HEADERS;
import static dev.multifetch.core.testing.H2Frames.FLAG_END_STREAM;

import dev.multifetch.core.testing.H2Frames.Frame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A blocking HTTP/2 client of one stream at a time, built on the fixtures' own {@link H2Frames}
 * and {@link H2Hpack}: enough to check that a test server speaks h2 (cleartext with prior
 * knowledge, or TLS with ALPN {@code h2}) without trusting the code under test. It opens both of
 * its flow-control windows to the maximum up front, ACKs SETTINGS and PING, and records every frame
 * it reads. Not thread-safe; every read waits at most ten seconds.
 */
public final class RawH2Client implements AutoCloseable {

    private static final int MAX_WINDOW = Integer.MAX_VALUE;
    private static final int DEFAULT_WINDOW = 65_535;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String authority;
    private final String scheme;
    private final H2Hpack decoder = new H2Hpack();
    private final List<Frame> received = new ArrayList<>();
    private int nextStream = 1;

    private RawH2Client(Socket socket, String scheme, int port) throws IOException {
        this.socket = socket;
        this.scheme = scheme;
        this.authority = "127.0.0.1:" + port;
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        out.write(H2Frames.CLIENT_PREFACE);
        out.write(H2Frames.settings(Map.of(H2Frames.SETTINGS_ENABLE_PUSH, 0L,
                H2Frames.SETTINGS_INITIAL_WINDOW_SIZE, (long) MAX_WINDOW)));
        out.write(H2Frames.windowUpdate(0, MAX_WINDOW - DEFAULT_WINDOW));
        out.flush();
    }

    /** Connects to 127.0.0.1:{@code port} in cleartext and sends the preface (prior knowledge). */
    public static RawH2Client cleartext(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) READ_TIMEOUT.toMillis());
            return new RawH2Client(socket, "http", port);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects to 127.0.0.1:{@code port} over TLS offering only ALPN {@code h2}; fails unless the server picks it. */
    public static RawH2Client tls(int port, SSLContext trusting) throws IOException {
        SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) READ_TIMEOUT.toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            if (!"h2".equals(socket.getApplicationProtocol())) {
                throw new IOException("server chose ALPN \"" + socket.getApplicationProtocol() + "\", not h2");
            }
            return new RawH2Client(socket, "https", port);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A response as this client read it. */
    public record Response(int streamId, List<Map.Entry<String, String>> headers, byte[] body,
                           List<Map.Entry<String, String>> trailers) {

        /** The {@code :status}. */
        public int status() {
            return Integer.parseInt(header(":status").orElseThrow());
        }

        /** The first field called exactly {@code name}. */
        public Optional<String> header(String name) {
            return headers.stream().filter(h -> h.getKey().equals(name)).map(Map.Entry::getValue).findFirst();
        }

        /** The body as UTF-8. */
        public String bodyAsString() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** GETs {@code path} on a new stream and reads the whole response. */
    public Response get(String path) throws IOException {
        return exchange("GET", path, null);
    }

    /** Sends {@code method} {@code path} with {@code body} (one DATA frame: keep it under 16 KiB) and reads the response. */
    public Response exchange(String method, String path, byte[] body) throws IOException {
        int stream = newStreamId();
        List<Map.Entry<String, String>> fields = List.of(Map.entry(":method", method), Map.entry(":scheme", scheme),
                Map.entry(":authority", authority), Map.entry(":path", path));
        int flags = FLAG_END_HEADERS | (body == null ? FLAG_END_STREAM : 0);
        out.write(H2Frames.frame(H2Frames.HEADERS, flags, stream, H2Hpack.encode(fields)));
        if (body != null) {
            out.write(H2Frames.frame(H2Frames.DATA, FLAG_END_STREAM, stream, body));
        }
        out.flush();
        return readResponse(stream);
    }

    /** Sends {@code bytes} as they are: frames built with {@link H2Frames}, say. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The stream id the next request will use; advances it, for a test that writes its own HEADERS. */
    public int newStreamId() {
        int stream = nextStream;
        nextStream += 2;
        return stream;
    }

    /** The first frame of {@code type} received so far, or else the next to arrive, reading until it does. */
    public Frame awaitFrame(int type) throws IOException {
        for (Frame frame : received) {
            if (frame.type() == type) {
                return frame;
            }
        }
        for (;;) {
            Frame frame = read();
            if (frame.type() == type) {
                return frame;
            }
        }
    }

    /** Every frame read so far. */
    public List<Frame> received() {
        return List.copyOf(received);
    }

    /** The protocol the TLS handshake chose by ALPN; empty in cleartext. */
    public String applicationProtocol() {
        return socket instanceof SSLSocket ssl ? ssl.getApplicationProtocol() : "";
    }

    private Response readResponse(int stream) throws IOException {
        List<Map.Entry<String, String>> head = null;
        List<Map.Entry<String, String>> trailers = List.of();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (;;) {
            Frame frame = read();
            if (frame.type() == H2Frames.RST_STREAM && frame.streamId() == stream
                    || frame.type() == H2Frames.GOAWAY && frame.errorCode() != H2Frames.NO_ERROR) {
                throw new IOException("stream " + stream + " ended by " + frame + " code " + frame.errorCode());
            }
            if (frame.streamId() != stream) {
                continue;
            }
            if (frame.type() == H2Frames.HEADERS) {
                List<Map.Entry<String, String>> fields = decoder.decode(headerBlock(frame));
                if (head == null) {
                    head = fields;
                } else {
                    trailers = fields;
                }
            } else if (frame.type() == H2Frames.DATA) {
                body.writeBytes(frame.data());
            }
            if (frame.has(FLAG_END_STREAM) && (frame.type() == H2Frames.DATA || frame.type() == H2Frames.HEADERS)) {
                return new Response(stream, head, body.toByteArray(), trailers);
            }
        }
    }

    /** The header block of a HEADERS frame and the CONTINUATIONs after it. */
    private byte[] headerBlock(Frame headers) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.writeBytes(headers.headerBlockFragment());
        for (Frame f = headers; !f.has(FLAG_END_HEADERS); ) {
            f = read();
            if (f.type() != H2Frames.CONTINUATION) {
                throw new IOException("expected CONTINUATION but read " + f);
            }
            block.writeBytes(f.headerBlockFragment());
        }
        return block.toByteArray();
    }

    private Frame read() throws IOException {
        Frame frame = H2Frames.read(in);
        received.add(frame);
        if (frame.type() == H2Frames.SETTINGS && !frame.has(FLAG_ACK)) {
            out.write(H2Frames.settingsAck());
            out.flush();
        } else if (frame.type() == H2Frames.PING && !frame.has(FLAG_ACK)) {
            out.write(H2Frames.ping(true, frame.pingData()));
            out.flush();
        }
        return frame;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
