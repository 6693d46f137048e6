package dev.multifetch.core.multi;

import javax.net.ssl.SSLSession;

/**
 * HTTP/2's floor for TLS (RFC 9113 section 9.2): TLS 1.2 or later, and under TLS 1.2 only
 * ephemeral key exchange with an AEAD cipher; the suites of its Appendix A are refused with
 * INADEQUATE_SECURITY. TLS 1.3 suites all qualify.
 */
final class Http2Security {

    private Http2Security() {
    }

    /** Why {@code session} is not good enough for HTTP/2, or null when it is. */
    static String inadequate(SSLSession session) {
        String protocol = session.getProtocol();
        if ("TLSv1.3".equals(protocol)) {
            return null;
        }
        if (!"TLSv1.2".equals(protocol)) {
            return "HTTP/2 needs TLS 1.2 or later, the server chose " + protocol;
        }
        String suite = session.getCipherSuite();
        boolean ephemeral = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305") || suite.contains("_CCM");
        return ephemeral && aead ? null : "the server chose " + suite + " under TLS 1.2, which RFC 9113 Appendix A forbids for HTTP/2";
    }
}
