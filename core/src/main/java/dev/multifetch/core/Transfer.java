package dev.multifetch.core;

import dev.multifetch.core.multi.Run;
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

    private final long id = IDS.incrementAndGet();
    private final FetchRequest request;
    private volatile Object attachment;
    /** What the multi handle keeps of this transfer while it runs. */
    final Run run;

    /** A transfer for {@code request}, in state INIT. */
    public Transfer(FetchRequest request) {
        this.request = Objects.requireNonNull(request, "request");
        this.run = new Run(this);
    }

    /** How many redirects were followed. libcurl: CURLINFO_REDIRECT_COUNT. */
    public int redirects() {
        return run.redirects();
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
        return run.state();
    }

    /** The result once finished: OK or the error; {@code null} while running. */
    public FetchError result() {
        return run.result();
    }

    /** What went wrong, or {@code null} if nothing did (yet). */
    public FetchException failure() {
        return run.failure();
    }

    /** The response, once finished with OK; otherwise {@code null}. */
    public FetchResponse response() {
        return run.response();
    }

    /** Timings so far; final once the transfer finished. libcurl: curl_easy_getinfo times. */
    public Timings timings() {
        return Timings.ofNanos(run.timingNanos());
    }

    /** Request bytes written to the socket so far. libcurl: CURLINFO_SIZE_UPLOAD_T (plus the head). */
    public long bytesSent() {
        return run.bytesSent();
    }

    /** Response bytes read from the socket so far, head included. libcurl: CURLINFO_HEADER_SIZE plus download size. */
    public long bytesReceived() {
        return run.bytesReceived();
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
        return "transfer #" + id + " " + request + " [" + run.state() + "]";
    }
}
