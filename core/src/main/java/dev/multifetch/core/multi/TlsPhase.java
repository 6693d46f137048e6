package dev.multifetch.core.multi;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.TlsConfig;
import dev.multifetch.core.PollAction;
import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.tls.TlsTransport;
import java.io.EOFException;
import java.io.IOException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;

/**
 * PROTOCONNECT for https: the TLS handshake on the driving thread, its delegated tasks on the
 * multi handle's worker threads (the transfer waits with no socket interest meanwhile), and the
 * mapping of failures to curl's errors: a certificate that does not verify is
 * {@link FetchError#PEER_FAILED_VERIFICATION} with the reason, anything else
 * {@link FetchError#SSL_CONNECT_ERROR}. libcurl: {@code vtls/} connect filters.
 */
final class TlsPhase {

    private final MultiHandle multi;
    private final TransferRunner runner;

    TlsPhase(MultiHandle multi, TransferRunner runner) {
        this.multi = multi;
        this.runner = runner;
    }

    /**
     * Moves the handshake with the origin, or with an https proxy when {@code toProxy}, on; true
     * once it is done (for the origin: state DO) or failed, or to go on with the proxy's tunnel.
     */
    boolean handshake(Run t, boolean toProxy) {
        if (t.tlsTaskRunning) {
            return false;
        }
        Connection conn = t.conn;
        TlsTransport tls = t.handshaking != null ? t.handshaking : begin(t, conn, toProxy);
        TlsTransport.Step step;
        try {
            step = tls.handshake();
        } catch (IOException | RuntimeException e) {
            return fail(t, e, toProxy);
        }
        switch (step) {
            case DONE -> {
                t.handshaking = null;
                if (toProxy) {
                    return true;
                }
                t.appconnectNanos += multi.now() - t.hopStartNanos;
                javax.net.ssl.SSLSession session = tls.engine().getSession();
                runner.listen(t, l -> l.tlsEnd(t.transfer, session.getProtocol(), session.getCipherSuite()));
                multi.cancelExpire(t, Run.EXPIRE_CONNECT);
                return runner.protocolReady(t, tls.engine());
            }
            case NEED_READ -> multi.want(conn.channel(), t, PollAction.IN);
            case NEED_WRITE -> multi.want(conn.channel(), t, PollAction.OUT);
            case NEED_TASK -> runTasks(t, conn, tls.delegatedTasks());
            default -> throw new IllegalStateException("handshake step: " + step);
        }
        return false;
    }

    /**
     * Layers TLS over what the connection has: the socket, or the way through a proxy. An https
     * proxy is verified with the proxy's own settings and speaks HTTP/1.1.
     */
    private TlsTransport begin(Run t, Connection conn, boolean toProxy) {
        TlsConfig config;
        String host;
        int port;
        List<String> alpn;
        if (toProxy) {
            config = t.route.tls();
            host = t.route.proxy().host();
            port = t.route.proxy().port();
            alpn = List.of("http/1.1");
        } else {
            config = t.hop.tls() != null ? t.hop.tls() : multi.options().tls();
            host = t.target.origin().host();
            port = t.target.origin().port();
            runner.listen(t, l -> l.tlsStart(t.transfer));
            alpn = switch (multi.http2().versionFor(t)) {
                case HTTP_1_1 -> List.of("http/1.1");
                case HTTP_2 -> List.of("h2", "http/1.1");
                case HTTP_2_PRIOR_KNOWLEDGE -> List.of("h2");
            };
        }
        TlsTransport tls = new TlsTransport(config.createEngine(host, port, alpn), conn.transport());
        conn.transport(tls);
        t.handshaking = tls;
        return tls;
    }

    /** Certificate checks and key exchange can take milliseconds: never on the driving thread. */
    private void runTasks(Run t, Connection conn, List<Runnable> tasks) {
        t.tlsTaskRunning = true;
        multi.want(conn.channel(), t, PollAction.NONE);
        multi.offload(() -> {
            for (Runnable task : tasks) {
                task.run();
            }
            return null;
        }, (ignored, error) -> {
            if (t.multi == multi && t.conn == conn) {
                t.tlsTaskRunning = false;
                multi.runAgain(t);
            }
        });
    }

    private boolean fail(Run t, Exception e, boolean toProxy) {
        String host = toProxy ? t.route.proxy().host() : t.target.origin().host();
        String who = toProxy ? "proxy " + host : host;
        if (toProxy) {
            runner.listen(t, l -> l.proxyHandshakeFailed(t.transfer, t.route.proxy().display(), e));
        } else {
            runner.listen(t, l -> l.tlsFailed(t.transfer, e));
        }
        CertificateException cert = certificateCause(e);
        if (cert != null) {
            return runner.fail(t, FetchError.PEER_FAILED_VERIFICATION,
                    "SSL certificate problem for " + who + ": " + certificateReason(cert, host), e);
        }
        String why = e instanceof EOFException ? e.getMessage() + (toProxy ? " (" + who + ")" : "")
                : "TLS handshake with " + who + " failed: " + e.getMessage();
        return runner.fail(t, FetchError.SSL_CONNECT_ERROR, why, e);
    }

    private static CertificateException certificateCause(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertificateException ce) {
                return ce;
            }
            if (c instanceof CertPathValidatorException || isPathBuildingFailure(c)) {
                return new CertificateException(c.getMessage(), c);
            }
        }
        return null;
    }

    private static boolean isPathBuildingFailure(Throwable c) {
        return c.getClass().getName().endsWith("SunCertPathBuilderException")
                || (c instanceof SSLHandshakeException && String.valueOf(c.getMessage()).contains("PKIX path"));
    }

    private static String certificateReason(CertificateException cert, String host) {
        for (Throwable c = cert; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException) {
                return "certificate has expired (" + c.getMessage() + ")";
            }
            if (c instanceof CertificateNotYetValidException) {
                return "certificate is not yet valid (" + c.getMessage() + ")";
            }
        }
        String message = String.valueOf(cert.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("no name matching") || lower.contains("no subject alternative")) {
            return "certificate does not match the host name " + host + " (" + message + ")";
        }
        if (lower.contains("pkix") || lower.contains("certification path") || lower.contains("unable to find valid")) {
            return "unable to get a trusted certificate chain: self-signed or unknown issuer (" + message + ")";
        }
        return message;
    }
}
