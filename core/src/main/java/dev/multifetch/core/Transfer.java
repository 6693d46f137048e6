package dev.multifetch.core;

import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.http1.ResponseParser;
import dev.multifetch.core.http1.Target;
import dev.multifetch.core.timer.TimerQueue.Expiry;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One transfer: a request, its progress through the states, and its result. Add it to a
 * {@link Multi} to run it; read {@link #response()} or {@link #failure()} after its DONE message.
 * Confined to the thread that drives its multi handle, except {@link #id()} and
 * {@link #request()}. libcurl: the easy handle.
 */
public final class Transfer {

    private static final AtomicLong IDS = new AtomicLong();

    static final int EXPIRE_CONNECT = 0;
    static final int EXPIRE_TIMEOUT = 1;
    static final int EXPIRE_HAPPY_EYEBALLS = 2;
    static final int EXPIRE_SPEEDCHECK = 3;
    static final int EXPIRE_READ = 4;
    static final int EXPIRE_EXPECT = 5;

    private final long id = IDS.incrementAndGet();
    private final FetchRequest request;
    private volatile Object attachment;

    // Everything below belongs to the multi handle's driving thread.
    Multi multi;
    TransferState state = TransferState.INIT;
    boolean dirty;
    @SuppressWarnings("unchecked")
    final Expiry<Transfer>[] expiries = new Expiry[6];
    /** Whether its DONE message waits in the handle's queue (so a remove must take it out). */
    boolean messageQueued;

    FetchRequest hop;
    String firstUrl;
    Target target;
    dev.multifetch.core.connection.Origin origin;
    int redirects;
    int redirectStatus;
    String redirectLocation;
    long hopStartNanos;
    long redirectNanos;
    boolean hopPretransfer;
    boolean hopStarttransfer;
    UploadPhase.Upload upload;
    boolean bodyHeld;
    boolean bodyAbandoned;
    boolean retryWithoutExpect;
    boolean expectRetried;
    dev.multifetch.core.http1.BodyCollector collector;
    dev.multifetch.core.http1.ContentDecoder decoder;
    boolean consumerStarted;
    boolean paused;
    boolean pauseRequested;
    ByteBuffer pendingInput;
    TransferControl control;
    java.net.InetSocketAddress localAddress;
    java.net.InetSocketAddress remoteAddress;
    Connection conn;
    boolean slotHeld;
    boolean reusedConnection;
    boolean retried;
    int connects;
    long resolveToken;
    List<InetAddress> addresses;
    Exception resolveError;
    String connectHost;
    int connectPort;
    final ArrayDeque<InetAddress> firstFamily = new ArrayDeque<>(2);
    final ArrayDeque<InetAddress> otherFamily = new ArrayDeque<>(2);
    Connection laneFirst;
    Connection laneOther;
    boolean otherFamilyStarted;
    String connectFailures;
    String deniedReasons;
    RuntimeException listenerFailure;
    boolean tlsTaskRunning;
    ByteBuffer requestBytes;
    ResponseParser parser;
    /** How the current hop's request and response cross its connection: HTTP/1.1 or an HTTP/2 stream. */
    Exchange exchange;
    /** The HTTP/2 stream's side of the exchange, while it runs on one. */
    Http2Exchange.State h2;
    /** Whether this connection attempt may turn out to multiplex (counted for PIPEWAIT). */
    boolean multiplexSetup;
    boolean h2Replayed;
    boolean forceHttp11;

    FetchException failure;
    FetchResponse response;

    long startNanos;
    long pendingSinceNanos;
    long queueNanos;
    long namelookupNanos;
    long connectNanos;
    long appconnectNanos;
    long pretransferNanos;
    long starttransferNanos;
    long totalNanos;
    long bytesSent;
    long bytesReceived;
    long lastReadNanos;
    long speedWindowStartNanos;
    long speedWindowBytes;

    /** Forgets every trace of an earlier run, so the transfer can be added again. */
    void resetForRun() {
        state = TransferState.INIT;
        dirty = false;
        hop = request;
        redirects = 0;
        redirectNanos = 0;
        expectRetried = false;
        control = null;
        localAddress = null;
        remoteAddress = null;
        resetForHop();
        target = null;
        conn = null;
        slotHeld = false;
        connects = 0;
        connectHost = null;
        connectPort = 0;
        laneFirst = null;
        laneOther = null;
        otherFamilyStarted = false;
        listenerFailure = null;
        tlsTaskRunning = false;
        exchange = null;
        h2 = null;
        multiplexSetup = false;
        h2Replayed = false;
        forceHttp11 = false;
        bytesSent = 0;
        bytesReceived = 0;
        lastReadNanos = 0;
        speedWindowStartNanos = 0;
        speedWindowBytes = 0;
        failure = null;
        response = null;
        pendingSinceNanos = 0;
        queueNanos = 0;
        namelookupNanos = 0;
        connectNanos = 0;
        appconnectNanos = 0;
        pretransferNanos = 0;
        starttransferNanos = 0;
        totalNanos = 0;
    }

    /** Forgets the state of one request/response exchange, before the next hop of a redirect. */
    void resetForHop() {
        redirectStatus = 0;
        redirectLocation = null;
        hopPretransfer = false;
        hopStarttransfer = false;
        upload = null;
        bodyHeld = false;
        bodyAbandoned = false;
        retryWithoutExpect = false;
        collector = null;
        decoder = null;
        consumerStarted = false;
        paused = false;
        pauseRequested = false;
        pendingInput = null;
        reusedConnection = false;
        retried = false;
        parser = null;
        requestBytes = null;
        addresses = null;
        resolveError = null;
        firstFamily.clear();
        otherFamily.clear();
        connectFailures = null;
        deniedReasons = null;
    }

    /** The handle a body consumer resumes with; made on first use. */
    TransferControl control() {
        if (control == null) {
            control = multi.newControl(this);
        }
        return control;
    }

    /** How many redirects were followed. libcurl: CURLINFO_REDIRECT_COUNT. */
    public int redirects() {
        return redirects;
    }

    /** A transfer for {@code request}, in state INIT. */
    public Transfer(FetchRequest request) {
        this.request = Objects.requireNonNull(request, "request");
    }

    /** Unique id, for logs. libcurl: CURLINFO_XFER_ID. */
    public long id() {
        return id;
    }

    /** The request this transfer runs. */
    public FetchRequest request() {
        return request;
    }

    /** Where the transfer is now. */
    public TransferState state() {
        return state;
    }

    /** The result once finished: OK or the error; {@code null} while running. */
    public FetchError result() {
        if (state != TransferState.COMPLETED && state != TransferState.MSGSENT) {
            return null;
        }
        return failure == null ? FetchError.OK : failure.error();
    }

    /** What went wrong, or {@code null} if nothing did (yet). */
    public FetchException failure() {
        return failure;
    }

    /** The response, once finished with OK; otherwise {@code null}. */
    public FetchResponse response() {
        return response;
    }

    /** Timings so far; final once the transfer finished. libcurl: curl_easy_getinfo times. */
    public Timings timings() {
        return Timings.ofNanos(timingNanos());
    }

    /** The timings as {@link Timings#ofNanos} takes them. */
    long[] timingNanos() {
        return new long[] {queueNanos, namelookupNanos, connectNanos, appconnectNanos, pretransferNanos,
            starttransferNanos, totalNanos, redirectNanos};
    }

    /** Request bytes written to the socket so far. libcurl: CURLINFO_SIZE_UPLOAD_T (plus the head). */
    public long bytesSent() {
        return bytesSent;
    }

    /** Response bytes read from the socket so far, head included. libcurl: CURLINFO_HEADER_SIZE plus download size. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** The application's own object for this transfer. libcurl: CURLOPT_PRIVATE. */
    public Object attachment() {
        return attachment;
    }

    /** Sets the application's own object for this transfer. libcurl: CURLOPT_PRIVATE. */
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        return "transfer #" + id + " " + request + " [" + state + "]";
    }
}
