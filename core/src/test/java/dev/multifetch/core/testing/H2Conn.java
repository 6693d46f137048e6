package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.H2Frames.CONTINUATION;
import static dev.multifetch.core.testing.H2Frames.DATA;
import static dev.multifetch.core.testing.H2Frames.FLAG_ACK;
import static dev.multifetch.core.testing.H2Frames.FLAG_END_HEADERS;
import static dev.multifetch.core.testing.H2Frames.FLAG_END_STREAM;
import static dev.multifetch.core.testing.H2Frames.HEADERS;
import static dev.multifetch.core.testing.H2Frames.RST_STREAM;
import static dev.multifetch.core.testing.H2Frames.SETTINGS;

import dev.multifetch.core.testing.H2Frames.Frame;
import dev.multifetch.core.testing.H2ScriptedServer.Request;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One connection of an {@link H2ScriptedServer}. Its reading methods ({@link #readFrame},
 * {@link #awaitFrame}, {@link #awaitRequest}, {@link #awaitBody}) block, for at most the read timeout,
 * and belong to the connection's own thread, the one running the handler. Every frame read is
 * recorded, whichever method read it; header blocks are decoded in arrival order (HPACK state is
 * per connection) and queued as {@link Request}s; the client's SETTINGS are ACKed on arrival unless
 * {@link #autoAckSettings(boolean) told not to}. The {@code send…} methods write and flush at once and
 * check nothing; any thread may call them. The recorded state may be read from any thread.
 */
public final class H2Conn {

    /** How long a read waits for the client before failing, unless {@link #readTimeout} changes it. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    private static final int DEFAULT_MAX_FRAME_SIZE = 16_384;

    private final int id;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final H2Hpack decoder = new H2Hpack();
    private final Deque<Request> unclaimed = new ArrayDeque<>();
    // guarded by this: everything below, read by test threads
    private final List<Frame> received = new ArrayList<>();
    private final List<Request> requests = new ArrayList<>();
    private final Map<Integer, ByteArrayOutputStream> bodies = new HashMap<>();
    private final Map<Integer, List<Map.Entry<String, String>>> trailers = new HashMap<>();
    private final Map<Integer, Long> clientSettings = new LinkedHashMap<>();
    private final Set<Integer> open = new HashSet<>();
    private final Set<Integer> clientEnded = new HashSet<>();
    private final Set<Integer> serverEnded = new HashSet<>();
    private int peakOpen;
    private boolean clientSettingsSeen;
    private boolean eof;
    private boolean ended;
    private boolean autoAckSettings = true;
    // header block being assembled from HEADERS + CONTINUATION, on the connection thread only
    private ByteArrayOutputStream block;
    private int blockStream;
    private boolean blockEndsStream;

    H2Conn(int id, Socket socket) {
        this.id = id;
        this.socket = socket;
        try {
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException("accepted socket without streams: " + socket, e);
        }
    }

    /** 1 for the server's first accepted connection. */
    public int id() {
        return id;
    }

    Socket socket() {
        return socket;
    }

    /** Whether to answer each client SETTINGS frame with an ACK as soon as it is read (the default). */
    public synchronized H2Conn autoAckSettings(boolean ack) {
        this.autoAckSettings = ack;
        return this;
    }

    /** How long the reading methods wait for the next octet before failing with a timeout; zero waits until the server closes. */
    public H2Conn readTimeout(Duration timeout) throws SocketException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    // ---- reading, on the connection thread

    /** Reads, records and returns the next frame, whatever it is. */
    public Frame readFrame() throws IOException {
        Frame frame;
        try {
            frame = H2Frames.read(in);
        } catch (EOFException | SocketException e) {
            synchronized (this) {
                eof = true;
                notifyAll();
            }
            throw e;
        }
        boolean ack = record(frame);
        if (ack) {
            sendSettingsAck();
        }
        return frame;
    }

    /** Reads frames until one matches {@code wanted}, and returns it; the others are recorded too. */
    public Frame awaitFrame(Predicate<Frame> wanted) throws IOException {
        for (;;) {
            Frame frame = readFrame();
            if (wanted.test(frame)) {
                return frame;
            }
        }
    }

    /** Reads frames until one of {@code type} (an {@link H2Frames} constant) arrives, and returns it. */
    public Frame awaitFrame(int type) throws IOException {
        return awaitFrame(f -> f.type() == type);
    }

    /** Sends SETTINGS with {@code settings}, then reads until the client's first SETTINGS has arrived. */
    public H2Conn handshake(Map<Integer, Long> settings) throws IOException {
        sendSettings(settings);
        while (!clientSettingsSeen()) {
            readFrame();
        }
        return this;
    }

    /** The next request not yet returned here, reading frames until one is complete (its header block ended). */
    public Request awaitRequest() throws IOException {
        while (unclaimed.isEmpty()) {
            readFrame();
        }
        return unclaimed.removeFirst();
    }

    /** Reads until the client ended stream {@code streamId}, and returns the DATA it sent on it. */
    public byte[] awaitBody(int streamId) throws IOException {
        while (!clientEnded(streamId)) {
            readFrame();
        }
        return body(streamId);
    }

    /** Whether the client starts with the HTTP/2 preface; nothing is consumed. */
    boolean startsWithPreface() throws IOException {
        in.mark(H2Frames.CLIENT_PREFACE.length);
        byte[] start = in.readNBytes(H2Frames.CLIENT_PREFACE.length);
        in.reset();
        return Arrays.equals(start, H2Frames.CLIENT_PREFACE);
    }

    /** The connection's input, for a client that did not speak HTTP/2. */
    InputStream input() {
        return in;
    }

    /** The connection's output, for a client that did not speak HTTP/2. */
    OutputStream output() {
        return out;
    }

    void readPreface() throws IOException {
        byte[] preface = in.readNBytes(H2Frames.CLIENT_PREFACE.length);
        if (!Arrays.equals(preface, H2Frames.CLIENT_PREFACE)) {
            throw new IOException("expected the client preface but read \""
                    + new String(preface, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n") + "\"");
        }
    }

    /** After the handler: records the client's frames until it closes or the server does. */
    void drain() throws IOException {
        socket.setSoTimeout(0);
        try {
            for (;;) {
                readFrame();
            }
        } catch (EOFException | SocketException clientGone) {
            // the client hung up (or reset): the normal end of a drained connection
        }
    }

    synchronized void ended() {
        ended = true;
        notifyAll();
    }

    /** Records {@code frame}; true when it is a client SETTINGS to ACK now. */
    private boolean record(Frame frame) throws IOException {
        Request request = null;
        boolean ack;
        if (frame.type() == HEADERS || frame.type() == CONTINUATION) {
            request = assemble(frame);
        }
        synchronized (this) {
            received.add(frame);
            switch (frame.type()) {
                case SETTINGS -> {
                    if (!frame.has(FLAG_ACK)) {
                        clientSettings.putAll(frame.settings());
                        clientSettingsSeen = true;
                    }
                }
                case DATA -> {
                    bodies.computeIfAbsent(frame.streamId(), s -> new ByteArrayOutputStream())
                            .writeBytes(frame.data());
                    if (frame.has(FLAG_END_STREAM)) {
                        endStream(frame.streamId(), clientEnded);
                    }
                }
                case RST_STREAM -> close(frame.streamId());
                default -> {
                }
            }
            if (request != null) {
                requests.add(request);
                unclaimed.addLast(request);
            }
            ack = frame.type() == SETTINGS && !frame.has(FLAG_ACK) && autoAckSettings;
            notifyAll();
        }
        return ack;
    }

    /** Adds a HEADERS or CONTINUATION frame to the block; the decoded request when it completes one. */
    private Request assemble(Frame frame) throws IOException {
        if (frame.type() == HEADERS) {
            block = new ByteArrayOutputStream();
            blockStream = frame.streamId();
            blockEndsStream = frame.has(FLAG_END_STREAM);
        } else if (block == null || frame.streamId() != blockStream) {
            throw new IOException("CONTINUATION on stream " + frame.streamId() + " outside a header block");
        }
        block.writeBytes(frame.headerBlockFragment());
        if (!frame.has(FLAG_END_HEADERS)) {
            return null;
        }
        List<Map.Entry<String, String>> fields = List.copyOf(decoder.decode(block.toByteArray()));
        block = null;
        synchronized (this) {
            boolean first = !open.contains(blockStream) && !clientEnded.contains(blockStream);
            if (first) {
                open(blockStream);
            }
            if (blockEndsStream) {
                endStream(blockStream, clientEnded);
            }
            if (!first) {
                trailers.put(blockStream, fields);
                return null;
            }
            return new Request(blockStream, fields, blockEndsStream);
        }
    }

    private void open(int streamId) {
        if (open.add(streamId)) {
            peakOpen = Math.max(peakOpen, open.size());
        }
    }

    private void endStream(int streamId, Set<Integer> endedBy) {
        endedBy.add(streamId);
        if (clientEnded.contains(streamId) && serverEnded.contains(streamId)) {
            open.remove(streamId);
        }
    }

    private void close(int streamId) {
        open.remove(streamId);
        clientEnded.add(streamId);
        serverEnded.add(streamId);
    }

    // ---- recorded state, any thread

    /** Every frame read from the client so far, in order. */
    public synchronized List<Frame> received() {
        return List.copyOf(received);
    }

    /** The frames of {@code type} read from the client so far, in order. */
    public synchronized List<Frame> received(int type) {
        return received.stream().filter(f -> f.type() == type).toList();
    }

    /**
     * Waits up to {@code timeout} until a frame matching {@code wanted} has been read and returns
     * the first such; frames are only read while the handler reads or after it returned.
     */
    public synchronized Frame awaitReceived(Predicate<Frame> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            Frame found = received.stream().filter(wanted).findFirst().orElse(null);
            if (found != null) {
                return found;
            }
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0 || ended) {
                throw new AssertionError("no such frame from the client within " + timeout + " on connection " + id
                        + (ended ? " (connection over)" : "") + "; received: " + received);
            }
            waitQuietly(leftMs);
        }
    }

    /** Waits up to {@code timeout} until the client closed its side (the server read EOF). */
    public synchronized void awaitClientClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!eof) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0 || ended) {
                throw new AssertionError("client did not close connection " + id + " within " + timeout
                        + "; received: " + received);
            }
            waitQuietly(leftMs);
        }
    }

    /** Every request (first header block of a client stream) decoded so far, in order. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The DATA the client sent on {@code streamId} so far, padding removed. */
    public synchronized byte[] body(int streamId) {
        ByteArrayOutputStream body = bodies.get(streamId);
        return body == null ? new byte[0] : body.toByteArray();
    }

    /** The trailers (a later header block) the client sent on {@code streamId}, empty if none. */
    public synchronized List<Map.Entry<String, String>> trailers(int streamId) {
        return trailers.getOrDefault(streamId, List.of());
    }

    /** The client's settings, every SETTINGS frame it sent applied in order. */
    public synchronized Map<Integer, Long> clientSettings() {
        return Map.copyOf(clientSettings);
    }

    /** Whether the client's SETTINGS frame has been read. */
    public synchronized boolean clientSettingsSeen() {
        return clientSettingsSeen;
    }

    /** Whether the client ended (END_STREAM or RST_STREAM) stream {@code streamId}. */
    public synchronized boolean clientEnded(int streamId) {
        return clientEnded.contains(streamId);
    }

    /** How many streams are open or half-closed now, as this server counts them against its concurrency limit. */
    public synchronized int openStreams() {
        return open.size();
    }

    /** The most streams that were open or half-closed at once. */
    public synchronized int peakOpenStreams() {
        return peakOpen;
    }

    private void waitQuietly(long ms) {
        try {
            wait(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting on connection " + id, e);
        }
    }

    // ---- sending, any thread

    /** Sends one frame with exactly these fields. */
    public H2Conn sendFrame(int type, int flags, int streamId, byte[] payload) throws IOException {
        return sendRaw(H2Frames.frame(type, flags, streamId, payload));
    }

    /** Sends {@code bytes} as they are. */
    public H2Conn sendRaw(byte[] bytes) throws IOException {
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
        return this;
    }

    /** Sends a SETTINGS frame with {@code settings} (ids are {@code H2Frames.SETTINGS_*}) in iteration order. */
    public H2Conn sendSettings(Map<Integer, Long> settings) throws IOException {
        return sendRaw(H2Frames.settings(settings));
    }

    /** Sends a SETTINGS frame with the ACK flag. */
    public H2Conn sendSettingsAck() throws IOException {
        return sendRaw(H2Frames.settingsAck());
    }

    /** Sends a response head: {@code :status} then {@code fields}, in one HEADERS frame with END_HEADERS. */
    public H2Conn sendHeaders(int streamId, int status, Map<String, String> fields, boolean endStream) throws IOException {
        List<Map.Entry<String, String>> all = new ArrayList<>();
        all.add(Map.entry(":status", Integer.toString(status)));
        all.addAll(fields.entrySet());
        return sendHeaders(streamId, all, endStream);
    }

    /** Sends exactly {@code fields} (no {@code :status} added: trailers, or a bad head) in one HEADERS frame. */
    public H2Conn sendHeaders(int streamId, List<Map.Entry<String, String>> fields, boolean endStream) throws IOException {
        return sendHeaderBlock(streamId, H2Hpack.encode(fields), true, endStream);
    }

    /** Sends a HEADERS frame carrying {@code fragment} as its header block fragment, as given. */
    public H2Conn sendHeaderBlock(int streamId, byte[] fragment, boolean endHeaders, boolean endStream) throws IOException {
        if (endStream) {
            ended(streamId);
        }
        return sendFrame(HEADERS, (endHeaders ? FLAG_END_HEADERS : 0) | (endStream ? FLAG_END_STREAM : 0), streamId, fragment);
    }

    /** Sends a CONTINUATION frame carrying {@code fragment}. */
    public H2Conn sendContinuation(int streamId, byte[] fragment, boolean endHeaders) throws IOException {
        return sendFrame(CONTINUATION, endHeaders ? FLAG_END_HEADERS : 0, streamId, fragment);
    }

    /** Sends {@code data} in DATA frames no larger than the client's SETTINGS_MAX_FRAME_SIZE; flow control is the test's business. */
    public H2Conn sendData(int streamId, byte[] data, boolean endStream) throws IOException {
        long max = clientSettings().getOrDefault(H2Frames.SETTINGS_MAX_FRAME_SIZE, (long) DEFAULT_MAX_FRAME_SIZE);
        if (endStream) {
            ended(streamId);
        }
        return sendRaw(H2Frames.data(streamId, data, endStream, (int) max));
    }

    /** Sends {@code text} as UTF-8 DATA. */
    public H2Conn sendData(int streamId, String text, boolean endStream) throws IOException {
        return sendData(streamId, text.getBytes(StandardCharsets.UTF_8), endStream);
    }

    /** Answers {@code request} with {@code status}, a content-length and {@code body} as UTF-8, ending the stream. */
    public H2Conn respond(Request request, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        sendHeaders(request.streamId(), status, Map.of("content-length", Integer.toString(bytes.length)), bytes.length == 0);
        return bytes.length == 0 ? this : sendData(request.streamId(), bytes, true);
    }

    /** Sends RST_STREAM with {@code errorCode} ({@code H2Frames.CANCEL} and the like). */
    public H2Conn sendRst(int streamId, long errorCode) throws IOException {
        synchronized (this) {
            close(streamId);
        }
        return sendRaw(H2Frames.rstStream(streamId, errorCode));
    }

    /** Sends GOAWAY. */
    public H2Conn sendGoAway(int lastStreamId, long errorCode, String debug) throws IOException {
        return sendRaw(H2Frames.goAway(lastStreamId, errorCode, debug));
    }

    /** Sends PING with {@code data}, with or without the ACK flag. */
    public H2Conn sendPing(boolean ack, long data) throws IOException {
        return sendRaw(H2Frames.ping(ack, data));
    }

    /** Sends WINDOW_UPDATE for {@code streamId} (0: the connection). */
    public H2Conn sendWindowUpdate(int streamId, long increment) throws IOException {
        return sendRaw(H2Frames.windowUpdate(streamId, increment));
    }

    private synchronized void ended(int streamId) {
        endStream(streamId, serverEnded);
    }

    // ---- ending the connection

    /** Shuts down the output side (FIN) and keeps reading. */
    public void halfClose() throws IOException {
        socket.shutdownOutput();
    }

    /** Closes the connection (FIN). */
    public void close() {
        H2ScriptedServer.closeQuietly(socket);
    }

    /** Resets the connection: {@code SO_LINGER} 0, then close, so the client sees RST. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
