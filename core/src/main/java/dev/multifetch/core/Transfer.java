package dev.multifetch.core;

import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.http1.ResponseParser;
import dev.multifetch.core.http1.Target;
import dev.multifetch.core.timer.TimerQueue.Expiry;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
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

    private final long id = IDS.incrementAndGet();
    private final FetchRequest request;
    private volatile Object attachment;

    // Everything below belongs to the multi handle's driving thread.
    Multi multi;
    TransferState state = TransferState.INIT;
    boolean dirty;
    @SuppressWarnings("unchecked")
    final Expiry<Transfer>[] expiries = new Expiry[2];

    Target target;
    Connection conn;
    boolean slotHeld;
    boolean reusedConnection;
    boolean retried;
    int connects;
    long resolveToken;
    InetAddress[] addresses;
    Exception resolveError;
    int addressIndex;
    String connectFailures;
    ByteBuffer requestBytes;
    ResponseParser parser;

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

    /** Forgets every trace of an earlier run, so the transfer can be added again. */
    void resetForRun() {
        state = TransferState.INIT;
        dirty = false;
        target = null;
        conn = null;
        slotHeld = false;
        reusedConnection = false;
        retried = false;
        connects = 0;
        addresses = null;
        resolveError = null;
        addressIndex = 0;
        connectFailures = null;
        requestBytes = null;
        parser = null;
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
        return new Timings(us(queueNanos), us(namelookupNanos), us(connectNanos), us(appconnectNanos),
                us(pretransferNanos), us(starttransferNanos), us(totalNanos));
    }

    private static Duration us(long nanos) {
        return Duration.ofNanos(nanos / 1000 * 1000);
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
