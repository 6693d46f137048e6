package dev.multifetch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Trust in the benchmark's own self-signed certificate (made by {@code run.sh} at run time, for
 * 127.0.0.1): an {@link SSLContext} and trust manager that trust that certificate alone, with the
 * host name still checked by each client as it normally does. For benchmarks only.
 */
final class BenchTls {

    private final SSLContext context;
    private final X509TrustManager trustManager;

    private BenchTls(SSLContext context, X509TrustManager trustManager) {
        this.context = context;
        this.trustManager = trustManager;
    }

    /** Trust in the certificates of {@code pem}, or the JDK's defaults when it is null. */
    static BenchTls trusting(Path pem) {
        try {
            KeyStore store = null;
            if (pem != null) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                try (InputStream in = Files.newInputStream(pem)) {
                    int i = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("bench-" + i++, c);
                    }
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            X509TrustManager trust = (X509TrustManager) factory.getTrustManagers()[0];
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
            return new BenchTls(context, trust);
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read " + pem, unreadable);
        } catch (GeneralSecurityException broken) {
            throw new IllegalStateException("cannot trust " + pem + ": " + broken.getMessage(), broken);
        }
    }

    SSLContext context() {
        return context;
    }

    X509TrustManager trustManager() {
        return trustManager;
    }
}
