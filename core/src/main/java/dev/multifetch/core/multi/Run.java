package dev.multifetch.core.multi;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Transfer;
import dev.multifetch.core.TransferControl;
import dev.multifetch.core.TransferState;
import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.http1.ResponseParser;
import dev.multifetch.core.http1.Target;
import dev.multifetch.core.timer.TimerQueue.Expiry;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Everything the multi handle keeps about one {@link Transfer} while it runs: its state, the
 * hop under way, its connection and exchange, its deadlines, counters and timings. The public
 * {@link Transfer} is the application's handle on it and reads its result from here. Not API.
 * Confined to the driving thread of the multi handle, except the getters a finished transfer's
 * reader calls after the DONE message.
 */
public final class Run {

    static final int EXPIRE_CONNECT = 0;
    static final int EXPIRE_TIMEOUT = 1;
    static final int EXPIRE_HAPPY_EYEBALLS = 2;
    static final int EXPIRE_SPEEDCHECK = 3;
    static final int EXPIRE_READ = 4;
    static final int EXPIRE_EXPECT = 5;
    /** The pacing head of a key waits for its turn, or a retry waits out its backoff. */
    static final int EXPIRE_HOLD = 6;

    final Transfer transfer;
    MultiHandle multi;
    TransferState state = TransferState.INIT;
    boolean dirty;
    @SuppressWarnings("unchecked")
    final Expiry<Run>[] expiries = new Expiry[7];
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
    /** The hop's proxy route, or null when it goes direct. */
    dev.multifetch.core.proxy.ProxyRoute route;
    /** The proxy handshake under way on a new connection (CONNECT or SOCKS), kept across a reconnect after a 407. */
    dev.multifetch.core.proxy.Tunnel tunnel;
    /** The TLS handshake under way on the connection: to an https proxy, or to the origin. */
    dev.multifetch.core.tls.TlsTransport handshaking;
    /** Whether the new connection's way through the proxy (its TLS and tunnel) is up. */
    boolean proxyReady;
    /** Whether the target's name is being looked up for a socks4 or socks5 proxy (before the proxy's). */
    boolean lookingUpTarget;
    /** The vetted address a socks4 or socks5 proxy is asked to reach. */
    InetAddress socksTarget;
    /** The status the proxy answered CONNECT with. libcurl: CURLINFO_HTTP_CONNECTCODE. */
    int connectCode;
    /** A forwarded request's Digest answer to the proxy's 407, sent once on the repeat. */
    String proxyAuthorization;
    /** Why the transfer is PENDING outside the connection queue: {@link Holds#PACED}, {@link Holds#RETRY}, or 0. */
    int hold;
    /** The pacing key it waits under, while paced. */
    String paceKey;
    /** Whether this attempt was let through by pacing already. */
    boolean paceAdmitted;
    /** Attempts made: 1 for the first, one more per retry. */
    int attempts = 1;
    /** Request bytes written before this attempt began (what a later failure wrote is the difference). */
    long attemptBytesStart;
    /** Response bytes read before this attempt began. */
    long attemptBytesReceivedStart;
    /** The last Retry-After the server sent, or null. */
    java.time.Duration retryAfter;
    /** Why a response that could have been retried was not, in words and as a kind, or null. */
    String retryStopped;
    dev.multifetch.core.RetryStop retryStop;
    /** Attempts started so far (hops, retries, repeats), and whether the last is still under way. */
    int attemptSeq;
    boolean attemptOpen;

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


    /** The state of {@code transfer}, which it belongs to for its whole life. */
    public Run(Transfer transfer) {
        this.transfer = transfer;
    }

    /** The public handle this state belongs to. */
    public Transfer transfer() {
        return transfer;
    }

    /** The request the transfer runs. */
    FetchRequest request() {
        return transfer.request();
    }

    /** Forgets every trace of an earlier run, so the transfer can be added again. */
    void resetForRun() {
        state = TransferState.INIT;
        dirty = false;
        hop = transfer.request();
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
        connectCode = 0;
        hold = 0;
        paceKey = null;
        attempts = 1;
        attemptBytesStart = 0;
        attemptBytesReceivedStart = 0;
        retryAfter = null;
        retryStopped = null;
        retryStop = null;
        attemptSeq = 0;
        attemptOpen = false;
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
        route = null;
        tunnel = null;
        handshaking = null;
        proxyReady = false;
        lookingUpTarget = false;
        socksTarget = null;
        proxyAuthorization = null;
        paceAdmitted = false;
    }

    /** The handle a body consumer resumes with; made on first use. */
    TransferControl control() {
        if (control == null) {
            control = multi.newControl(this);
        }
        return control;
    }

    /** Whether a multi handle holds the transfer now. */
    public boolean added() {
        return multi != null;
    }

    /** How many redirects were followed. */
    public int redirects() {
        return redirects;
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

    /** What went wrong, or {@code null}. */
    public FetchException failure() {
        return failure;
    }

    /** The response, once finished with OK. */
    public FetchResponse response() {
        return response;
    }

    /** The phase timings in nanoseconds, as {@code Timings} takes them. */
    public long[] timingNanos() {
        return new long[] {queueNanos, namelookupNanos, connectNanos, appconnectNanos, pretransferNanos,
            starttransferNanos, totalNanos, redirectNanos};
    }

    /** Request bytes written so far. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Response bytes read so far. */
    public long bytesReceived() {
        return bytesReceived;
    }

    @Override
    public String toString() {
        return transfer.toString();
    }
}
