package dev.multifetch.core.multi;

import dev.multifetch.core.HeaderListener;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.HttpVersion;
import dev.multifetch.core.PollAction;
import dev.multifetch.core.TransferState;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.http1.HttpException;
import dev.multifetch.core.http1.PostRedirect;
import dev.multifetch.core.http1.Redirects;
import dev.multifetch.core.http1.Target;
import java.util.List;
import java.util.Set;

/**
 * The per-transfer state machine: one handler per state, each doing what it can without
 * blocking and saying whether to go on at once or wait for a socket or timer event. Every state
 * change goes through {@link #transition}. Driving thread only.
 *
 * <p>libcurl: {@code multi_runsingle()} and {@code mstate()} in {@code lib/multi.c}.
 */
final class TransferRunner {


    /** How long an idle HTTP/2 connection may sit before a PING goes ahead of its next stream. */
    private static final long QUIET_BEFORE_PING_NANOS = 10_000_000_000L;
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");

    private static final System.Logger LOG = System.getLogger(TransferRunner.class.getName());

    private final MultiHandle multi;
    private final ConnectPhase connectPhase;
    private final TlsPhase tlsPhase;
    private final Http1Exchange http1;
    private final Http2Exchange http2;
    private final Deadlines deadlines;
    private final Routes routes;
    private final ProxyPhase proxyPhase;
    private final Holds holds;
    private final Retries retries;

    TransferRunner(MultiHandle multi) {
        this.multi = multi;
        this.deadlines = new Deadlines(multi);
        this.routes = new Routes(multi.options().proxy());
        this.connectPhase = new ConnectPhase(multi, this);
        this.tlsPhase = new TlsPhase(multi, this);
        this.proxyPhase = new ProxyPhase(multi, this, tlsPhase);
        this.holds = new Holds(multi, multi.options().politeness());
        this.retries = new Retries(multi);
        this.http1 = new Http1Exchange(multi, this);
        this.http2 = new Http2Exchange(multi, this);
    }

    /** Transfers held by pacing or for a retry. */
    Holds holds() {
        return holds;
    }

    /** The transfer's timeouts and speed check. */
    Deadlines deadlines() {
        return deadlines;
    }

    /** Runs a transfer until it must wait for an event, or has finished. */
    void run(Run t) {
        try {
            if (!timedOut(t, multi.now())) {
                while (step(t)) {
                    if (t.listenerFailure != null && t.failure == null && t.state.compareTo(TransferState.DONE) < 0) {
                        fail(t, FetchError.ABORTED_BY_CALLBACK, "a listener threw " + t.listenerFailure, t.listenerFailure);
                    }
                }
            }
        } catch (RuntimeException e) {
            if (t.state.isFinished()) {
                throw e;
            }
            fail(t, FetchError.RECV_ERROR, "internal error in state " + t.state + ": " + e, e);
            finish(t);
        }
    }

    private boolean step(Run t) {
        return switch (t.state) {
            case INIT -> init(t);
            case SETUP -> setup(t);
            case CONNECT -> connect(t);
            case PENDING -> t.hold != 0 && holds.release(t, this);
            case MSGSENT -> false;
            case RESOLVING -> connectPhase.resolving(t);
            case CONNECTING -> connectPhase.connecting(t);
            case PROTOCONNECT -> protoconnect(t);
            case DO -> t.exchange.send(t);
            case DID -> t.exchange.startReading(t);
            case PERFORMING -> t.exchange.perform(t);
            case DONE -> done(t);
            case COMPLETED -> completed(t);
        };
    }

    /** The one place a transfer's state changes, with the enter and leave hooks. libcurl: mstate(). */
    void transition(Run t, TransferState to) {
        TransferState from = t.state;
        if (from == to) {
            return;
        }
        if (from == TransferState.PENDING) {
            long queued = multi.now() - t.pendingSinceNanos;
            t.queueNanos += queued;
            listen(t, l -> l.transferDequeued(t.transfer, queued));
        }
        t.state = to;
        switch (to) {
            case PENDING -> {
                t.pendingSinceNanos = multi.now();
                if (t.hold == 0) {
                    multi.enqueuePending(t);
                }
                listen(t, l -> l.transferQueued(t.transfer));
            }
            case DONE -> multi.cancelExpiries(t);
            case MSGSENT -> t.totalNanos = multi.now() - t.startNanos;
            default -> { }
        }
    }

    // ---- state handlers ----

    private boolean init(Run t) {
        try {
            t.target = multi.target(t.hop.url());
        } catch (HttpException e) {
            return fail(t, e.error(), e.getMessage(), null);
        }
        t.hopStartNanos = t.startNanos;
        t.firstUrl = t.target.url();
        if (Retries.policy(t, multi.options().retry()).maxRetries() > 0) {
            retries.started(t, holds.key(t));
        }
        transition(t, TransferState.SETUP);
        return true;
    }

    /** Picks the hop's route (direct or through which proxy) and pool key; the policy judges a proxied target now. */
    private boolean setup(Run t) {
        Attempts.started(t);
        HttpVersion asked = t.hop.httpVersion() != null ? t.hop.httpVersion() : multi.options().httpVersion();
        try {
            t.route = routes.route(t.target, t.hop, asked);
        } catch (RuntimeException e) {
            return fail(t, new ProxyException(FetchError.PROXY, ProxyError.CONFIGURATION, null, 0,
                    "choosing a proxy for " + t.target.url() + " failed: the ProxySelector threw " + e, e));
        }
        t.origin = Routes.key(t.target, t.hop, t.route);
        String denied = t.route == null ? null : proxyPhase.targetDenied(t);
        if (denied != null) {
            return fail(t, FetchError.COULDNT_CONNECT, denied, null);
        }
        transition(t, TransferState.CONNECT);
        return true;
    }

    private boolean connect(Run t) {
        if (!t.paceAdmitted && holds.pacing() && !holds.admit(t, this)) {
            return false;
        }
        if (t.conn == null && !t.slotHeld && !claim(t)) {
            transition(t, TransferState.PENDING);
            return false;
        }
        if (t.conn == null) {
            return connectPhase.start(t);
        }
        t.tunnel = null;
        t.proxyReady = true;
        long picked = Math.max(1000, multi.now() - t.hopStartNanos);
        t.namelookupNanos += picked;
        t.connectNanos += picked;
        if (t.target.origin().scheme().equals("https")) {
            t.appconnectNanos += picked;
        }
        if (t.exchange == http1) {
            multi.want(t.conn.channel(), t, PollAction.IN);
        }
        long id = t.conn.id();
        listen(t, l -> l.connectionAcquired(t.transfer, id, true));
        transition(t, TransferState.DO);
        return true;
    }

    /**
     * Gives the transfer an idle connection to its origin, or a slot to open one, if the limits
     * allow. Called for a transfer in CONNECT, and for waiting ones when a slot frees.
     */
    boolean claim(Run t) {
        HttpVersion version = multi.http2().versionFor(t);
        boolean mayMultiplex = version != HttpVersion.HTTP_1_1;
        if (mayMultiplex) {
            Connection shared = multi.pool().takeStream(t.origin);
            if (shared != null) {
                if (shared.http2().load() == 1 && multi.now() - shared.idleSinceNanos() > QUIET_BEFORE_PING_NANOS) {
                    // it sat idle a while: a PING goes ahead of the request, so a dead peer shows at once
                    long now = multi.now();
                    shared.http2().ping(now, now + ConnectPhase.connectTimeout(t, multi.options()).toNanos());
                    multi.http2().pinged(shared);
                }
                shared.beginUse();
                t.conn = shared;
                t.exchange = http2;
                t.reusedConnection = true;
                return true;
            }
        }
        // a retry after a stale connection must not pick another connection that sat idle as long;
        // a transfer that knows the server speaks HTTP/2 takes no HTTP/1.1 connection
        boolean idleAllowed = !t.retried && version != HttpVersion.HTTP_2_PRIOR_KNOWLEDGE;
        Connection idle = idleAllowed ? multi.pool().takeIdle(t.origin, multi.now()) : null;
        if (idle != null) {
            idle.beginUse();
            t.conn = idle;
            t.exchange = http1;
            t.reusedConnection = true;
            return true;
        }
        if (mayMultiplex && multi.options().pipeWait() && multi.pool().multiplexSetupPending(t.origin)) {
            // curl's PIPEWAIT: the connection being set up may carry this transfer too
            return false;
        }
        if (multi.pool().tryReserve(t.origin)) {
            t.slotHeld = true;
            if (mayMultiplex) {
                t.multiplexSetup = true;
                multi.pool().multiplexSetupStarted(t.origin);
            }
            return true;
        }
        return false;
    }

    /**
     * The new connection is up (TLS done, if any): HTTP/2 when ALPN picked {@code h2} or the
     * transfer knows the server speaks it, else HTTP/1.1. Transfers waiting to see whether it
     * multiplexes get a look either way.
     */
    boolean protocolReady(Run t, javax.net.ssl.SSLEngine tls) {
        HttpVersion version = multi.http2().versionFor(t);
        boolean h2 = version == HttpVersion.HTTP_2_PRIOR_KNOWLEDGE;
        if (tls != null && version != HttpVersion.HTTP_1_1) {
            String alpn = tls.getApplicationProtocol();
            h2 = "h2".equals(alpn) || (h2 && (alpn == null || alpn.isEmpty()));
            String weak = h2 ? Http2Security.inadequate(tls.getSession()) : null;
            if (weak != null) {
                return fail(t, FetchError.HTTP2, "HTTP/2 connection error INADEQUATE_SECURITY (0xc): " + weak, null);
            }
        }
        if (!h2) {
            endMultiplexSetup(t);
            t.exchange = http1;
            transition(t, TransferState.DO);
            return true;
        }
        // PIPEWAIT goes on until the server's SETTINGS say how many streams the connection takes
        t.multiplexSetup = false;
        t.conn.awaitingSettings(true);
        multi.http2().start(t.conn).reserve();
        t.exchange = http2;
        transition(t, TransferState.DO);
        return true;
    }

    private void endMultiplexSetup(Run t) {
        if (t.multiplexSetup) {
            t.multiplexSetup = false;
            multi.pool().multiplexSetupEnded(t.origin);
            multi.slotFreed(t.origin);
        }
    }

    /** PROTOCONNECT: the way through a proxy first, if any, then TLS for https. */
    private boolean protoconnect(Run t) {
        if (t.route != null && !t.proxyReady) {
            return proxyPhase.handshake(t);
        }
        if (!t.target.origin().scheme().equals("https")) {
            multi.cancelExpire(t, Run.EXPIRE_CONNECT);
            return protocolReady(t, null);
        }
        return tlsPhase.handshake(t, false);
    }

    private boolean done(Run t) {
        if (t.failure == null && t.listenerFailure != null) {
            fail(t, FetchError.ABORTED_BY_CALLBACK, "a listener threw " + t.listenerFailure, t.listenerFailure);
        }
        if (t.failure == null && holds.pacing()) {
            holds.blockOnRetryAfter(t, this);
        }
        long retryDelay = retries.delayNanos(t, holds);
        if (retryDelay >= 0) {
            return retries.retryLater(t, retryDelay, this, holds);
        }
        if (t.failure != null) {
            ApiAccess.get().failedAfter(t.failure, t.attempts, t.retryStop, t.retryStopped);
        }
        if (t.failure == null) {
            String proxyAnswer = proxyPhase.forwardedChallengeAnswer(t);
            if (t.redirectLocation != null || t.retryWithoutExpect || proxyAnswer != null) {
                return nextHop(t, proxyAnswer);
            }
            finishResponse(t);
            if (t.listenerFailure != null && t.failure == null) {
                t.response = null;
                t.failure = new FetchException(FetchError.ABORTED_BY_CALLBACK, "a listener threw " + t.listenerFailure,
                        t.listenerFailure);
            }
        }
        t.requestBytes = null;
        transition(t, TransferState.COMPLETED);
        return true;
    }

    /** The exchange ended well: the connection goes back to the cache or is closed, the response is built. */
    private void finishResponse(Run t) {
        dev.multifetch.core.exchange.ResponseProgress p = t.exchange.progress(t);
        long bodyBytes = p.bodySize();
        listen(t, l -> l.responseBodyEnd(t.transfer, bodyBytes));
        if (t.listenerFailure != null) {
            fail(t, FetchError.ABORTED_BY_CALLBACK, "a listener threw " + t.listenerFailure, t.listenerFailure);
            return;
        }
        HeaderListener headers = t.hop.headerListener();
        if (headers != null && p.trailers().size() > 0) {
            try {
                headers.onTrailers(p.trailers());
            } catch (Exception e) {
                fail(t, FetchError.ABORTED_BY_CALLBACK, "the header listener threw " + e, e);
                return;
            }
        }
        t.exchange.release(t, p.connectionReusable());
        if (p.status() >= 300 && t.retryAfter == null) {
            t.retryAfter = dev.multifetch.core.politeness.RetryAfter.parse(p.headers().first("Retry-After").orElse(null),
                    System.currentTimeMillis());
        }
        t.totalNanos = multi.now() - t.startNanos;
        byte[] body = t.collector == null ? new byte[0] : t.collector.toByteArray();
        t.response = ApiAccess.get().response(p.status(), p.reason(), p.version(), p.headers(), body, t.target.url(), t.timingNanos(),
                t.connects, p.trailers(), t.redirects, t.remoteAddress, t.localAddress, t.bytesSent, t.bytesReceived,
                t.route == null ? null : t.route.proxy().display(), t.connectCode, t.attempts, t.retryAfter, t.retryStop, t.retryStopped);
        t.parser = null;
        t.collector = null;
        t.decoder = null;
    }

    /**
     * Follows a redirect, or repeats a request whose {@code Expect: 100-continue} the server
     * refused with 417, or repeats a forwarded request with {@code proxyAnswer} to the proxy's
     * 407: the method and body as curl chooses them, credentials dropped across origins, the
     * connection reused when it can be. libcurl: Curl_follow().
     */
    private boolean nextHop(Run t, String proxyAnswer) {
        FetchRequest hop = t.hop;
        String next = t.target.url();
        String method = hop.method();
        boolean dropBody = false;
        boolean dropCredentials = false;
        if (t.redirectLocation != null) {
            int max = hop.maxRedirects();
            if (max >= 0 && t.redirects >= max) {
                return fail(t, FetchError.TOO_MANY_REDIRECTS, "Maximum (" + max + ") redirects followed", null);
            }
            try {
                next = Redirects.resolve(t.target.url(), t.redirectLocation);
            } catch (HttpException e) {
                return fail(t, e.error(), e.getMessage(), null);
            }
            Redirects.NextMethod nm = Redirects.nextMethod(t.redirectStatus, method, hop.body() != null,
                    new PostRedirect(hop.keepsPostOn(301), hop.keepsPostOn(302), hop.keepsPostOn(303)));
            method = nm.method();
            dropBody = nm.bodyDropped();
            // curl compares with the first URL of the transfer, not the previous hop
            dropCredentials = !hop.unrestrictedAuth() && Redirects.crossOrigin(t.firstUrl, next);
            t.redirects++;
        } else if (proxyAnswer == null) {
            t.expectRetried = true;
        }
        Target target;
        try {
            target = Target.parse(next);
        } catch (HttpException e) {
            return fail(t, e.error(), e.getMessage(), null);
        }
        Attempts.ended(t, t.exchange.progress(t).status(), null);
        t.exchange.release(t, t.exchange.progress(t).connectionReusable());
        t.exchange = null;
        if (t.redirectLocation != null) {
            t.hop = ApiAccess.get().redirected(hop, next, method, dropBody, dropCredentials ? List.of() : ApiAccess.get().credentials(t.request()));
        } else if (proxyAnswer == null) {
            t.hop = ApiAccess.get().withoutExpectContinue(hop);
        }
        t.target = target;
        t.resetForHop();
        t.proxyAuthorization = proxyAnswer;
        long now = multi.now();
        t.hopStartNanos = now;
        t.redirectNanos = now - t.startNanos;
        transition(t, TransferState.SETUP);
        return true;
    }

    private boolean completed(Run t) {
        Attempts.ended(t, t.response != null ? t.response.status() : 0, t.failure);
        transition(t, TransferState.MSGSENT);
        multi.postMessage(t);
        FetchListener listener = multi.options().listener();
        try {
            if (t.response != null) {
                listener.transferDone(t.transfer, t.response);
            } else {
                listener.transferFailed(t.transfer, t.failure);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "FetchListener threw after " + t + " finished", e);
        }
        return false;
    }

    /** Tells the listener of an event; if it throws, the transfer is aborted at the next step. */
    void listen(Run t, java.util.function.Consumer<FetchListener> event) {
        try {
            event.accept(multi.options().listener());
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // a user's bug ends its transfer; only the JVM's own errors (VirtualMachineError) stop the loop
            if (t.listenerFailure == null) {
                t.listenerFailure = e instanceof RuntimeException re ? re : new IllegalStateException(e.toString(), e);
            }
        }
    }

    // ---- failure, abort and stop ----

    /** Timeouts are checked first whenever a transfer runs; its deadlines are on the multi's timer. */
    private boolean timedOut(Run t, long now) {
        String why = deadlines.reason(t, now);
        if (why == null) {
            return false;
        }
        fail(t, FetchError.OPERATION_TIMEDOUT, why, null);
        finish(t);
        return true;
    }




    /** The first send of a hop: its pretransfer time is taken now, once. libcurl: CURLINFO_PRETRANSFER_TIME. */
    void pretransfer(Run t) {
        if (!t.hopPretransfer) {
            t.hopPretransfer = true;
            t.pretransferNanos += multi.now() - t.hopStartNanos;
            if (t.paceAdmitted) {
                holds.sending(t);
            }
        }
    }

    /** The body limit of the transfer: its request's, else the handle's. */
    long maxBody(Run t) {
        return t.request().maxBodySize() >= 0 ? t.request().maxBodySize() : multi.options().maxBodySize();
    }

    /** Whether a request with {@code method} may be sent again after a failure (RFC 9110 section 9.2.2). */
    static boolean idempotent(String method) {
        return IDEMPOTENT.contains(method);
    }




    /**
     * Ends a transfer with an error: its connection is closed (never cached), its slot freed, its
     * place in the queue given up. The transfer moves to DONE; running it on posts the message.
     */
    boolean fail(Run t, FetchError error, String message, Throwable cause) {
        return fail(t, new FetchException(error, message, cause));
    }

    /** Ends a transfer with {@code failure} (unless it failed already), as {@link #fail(Run, FetchError, String, Throwable)}. */
    boolean fail(Run t, FetchException failure) {
        if (t.failure == null) {
            t.failure = failure;
        }
        releaseResources(t);
        transition(t, TransferState.DONE);
        return true;
    }

    /** Aborts a running transfer and posts its DONE message with ABORTED_BY_CALLBACK. */
    void abort(Run t, String message, Throwable cause) {
        fail(t, FetchError.ABORTED_BY_CALLBACK, message, cause);
        finish(t);
    }

    /** Stops a running transfer that is being removed: resources freed, no message. */
    void stop(Run t) {
        if (t.failure == null && t.state != TransferState.COMPLETED) {
            t.failure = new FetchException(FetchError.ABORTED_BY_CALLBACK,
                    "removed from the multi handle in state " + t.state);
        }
        if (t.failure != null) {
            ApiAccess.get().failedAfter(t.failure, t.attempts, t.retryStop, t.retryStopped);
        }
        releaseResources(t);
        Attempts.ended(t, 0, t.failure);
        t.requestBytes = null;
        t.parser = null;
        t.totalNanos = multi.now() - t.startNanos;
        transition(t, TransferState.COMPLETED);
        try {
            multi.options().listener().transferFailed(t.transfer, t.failure);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "FetchListener threw after " + t + " was stopped", e);
        }
    }

    private void finish(Run t) {
        while (step(t)) {
            // DONE and COMPLETED need no events
        }
    }

    private void releaseResources(Run t) {
        if (t.state == TransferState.PENDING) {
            if (t.hold != 0) {
                holds.drop(t);
            } else {
                multi.dropPending(t);
            }
        }
        if (t.state == TransferState.RESOLVING) {
            t.resolveToken++;
        }
        connectPhase.abandon(t);
        UploadPhase.close(t.upload);
        if (t.decoder != null) {
            t.decoder.close();
            t.decoder = null;
        }
        if (t.paused) {
            multi.unpaused(t);
        }
        if (t.consumerStarted && t.failure != null && t.hop.bodyConsumer() != null) {
            t.consumerStarted = false;
            try {
                t.hop.bodyConsumer().onAbort();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "BodyConsumer.onAbort threw for " + t, e);
            }
        }
        endMultiplexSetup(t);
        if (t.conn != null && t.exchange != null) {
            t.exchange.abandon(t);
        } else if (t.conn != null) {
            long id = t.conn.id();
            multi.closeConnection(t.conn);
            listen(t, l -> l.connectionReleased(t.transfer, id, false));
            t.conn = null;
        }
        if (t.slotHeld) {
            t.slotHeld = false;
            multi.pool().unreserve(t.origin);
            multi.slotFreed(t.origin);
        }
    }

    // ---- helpers ----

    static String describe(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
