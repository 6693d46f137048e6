package dev.multifetch.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How https connections are secured: whom to trust, which client certificate to present,
 * which protocol versions to allow. Verified by default: the JDK's trust store, host-name
 * verification (endpoint identification {@code HTTPS}), TLS 1.3 and 1.2 only, ALPN as the
 * transfer's {@link HttpVersion} asks ({@code h2,http/1.1} by default). Immutable; the {@link SSLContext} is built once, so TLS sessions are
 * resumed across connections to the same origin.
 *
 * <p>libcurl: {@code CURLOPT_SSL_VERIFYPEER}, {@code _SSL_VERIFYHOST}, {@code _CAINFO},
 * {@code _SSLCERT}/{@code _SSLKEY}, {@code _SSLVERSION}.
 */
public final class TlsConfig {

    private static final System.Logger LOG = System.getLogger(TlsConfig.class.getName());

    /** The JDK's trust store, host names verified, TLS 1.3 and 1.2. */
    public static final TlsConfig DEFAULT = builder().build();

    private final SSLContext context;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final boolean insecure;

    private TlsConfig(SSLContext context, List<String> protocols, List<String> cipherSuites, boolean insecure) {
        this.context = context;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
        this.insecure = insecure;
    }

    /** A builder starting from the secure defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether peer verification is off (the insecure test-only mode). */
    public boolean insecure() {
        return insecure;
    }

    /** The protocol versions offered, such as {@code TLSv1.3}. */
    public List<String> protocols() {
        return protocols;
    }

    /** The cipher suites offered; empty for the JDK's defaults. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** A client engine for {@code host}:{@code port}: SNI (unless {@code host} is an IP literal), host-name check, ALPN {@code http/1.1}. */
    public SSLEngine createEngine(String host, int port) {
        return createEngine(host, port, List.of("http/1.1"));
    }

    /** As {@link #createEngine(String, int)}, offering {@code applicationProtocols} by ALPN, most wanted first. */
    public SSLEngine createEngine(String host, int port, List<String> applicationProtocols) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(protocols.toArray(String[]::new));
        if (!cipherSuites.isEmpty()) {
            params.setCipherSuites(cipherSuites.toArray(String[]::new));
        }
        params.setApplicationProtocols(applicationProtocols.toArray(String[]::new));
        if (!insecure) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (dev.multifetch.core.connection.IpLiterals.address(host) == null) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(params);
        return engine;
    }

    /** Builds a {@link TlsConfig}; every setter checks its input at once. */
    public static final class Builder {

        private SSLContext context;
        private final List<X509Certificate> trusted = new ArrayList<>();
        private KeyStore trustStore;
        private KeyManager[] keyManagers;
        private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
        private List<String> cipherSuites = List.of();
        private boolean insecure;

        private Builder() {
        }

        /** Trusts these certificates (and only these, with any other trust settings of this builder). libcurl: CURLOPT_CAINFO. */
        public Builder trustCertificates(Collection<X509Certificate> certificates) {
            trusted.addAll(List.copyOf(certificates));
            return this;
        }

        /** Trusts the certificates of a PEM file (one or more {@code BEGIN CERTIFICATE} blocks). */
        public Builder trustPem(Path pemFile) {
            try (InputStream in = Files.newInputStream(pemFile)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trusted.add((X509Certificate) c);
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot read certificates from " + pemFile + ": " + e.getMessage(), e);
            }
            if (trusted.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + pemFile);
            }
            return this;
        }

        /** Trusts the certificates of a key store (JKS or PKCS12). */
        public Builder trustStore(KeyStore store) {
            this.trustStore = Objects.requireNonNull(store, "trustStore");
            return this;
        }

        /** Presents the key and certificate chain of {@code store} to servers that ask (mTLS). */
        public Builder clientCertificate(KeyStore store, char[] password) {
            try {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, password);
                this.keyManagers = kmf.getKeyManagers();
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot use the client key store: " + e.getMessage(), e);
            }
            return this;
        }

        /** Uses a ready {@link SSLContext} (a Spring SSL bundle's, say); trust and key settings here are then ignored. */
        public Builder sslContext(SSLContext context) {
            this.context = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /** Sets the protocol versions offered, from TLSv1.2 and TLSv1.3. libcurl: CURLOPT_SSLVERSION. */
        public Builder protocols(String... versions) {
            if (versions.length == 0) {
                throw new IllegalArgumentException("protocols: none given");
            }
            for (String v : versions) {
                if (!v.equals("TLSv1.3") && !v.equals("TLSv1.2")) {
                    throw new IllegalArgumentException("protocols: unsupported or insecure version \"" + v + "\"");
                }
            }
            this.protocols = List.of(versions);
            return this;
        }

        /** Offers only these cipher suites (names as the JDK knows them); each must be supported. */
        public Builder cipherSuites(String... suites) {
            if (suites.length == 0) {
                throw new IllegalArgumentException("cipherSuites: none given");
            }
            this.cipherSuites = List.of(suites);
            return this;
        }

        /**
         * Turns off certificate and host-name verification. For tests against throwaway
         * certificates only: anyone on the path can read and change the traffic. Logs a warning.
         * libcurl: CURLOPT_SSL_VERIFYPEER 0 and CURLOPT_SSL_VERIFYHOST 0.
         */
        public Builder insecureTrustAllCertificatesForTestsOnly() {
            this.insecure = true;
            return this;
        }

        /** Builds the configuration and its {@link SSLContext}. */
        public TlsConfig build() {
            try {
                SSLContext built = buildContext();
                List<String> supported = List.of(built.getSupportedSSLParameters().getCipherSuites());
                for (String suite : cipherSuites) {
                    if (!supported.contains(suite)) {
                        throw new IllegalArgumentException("cipherSuites: unsupported suite \"" + suite + "\"");
                    }
                }
                return new TlsConfig(built, protocols, cipherSuites, insecure);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
            }
        }

        private SSLContext buildContext() throws GeneralSecurityException, IOException {
            if (context != null) {
                return context;
            }
            if (insecure) {
                LOG.log(System.Logger.Level.WARNING, "multifetch TLS verification is OFF "
                        + "(insecureTrustAllCertificatesForTestsOnly): never use this outside tests");
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(keyManagers, new TrustManager[] {new TrustEverything()}, null);
                return ctx;
            }
            if (trusted.isEmpty() && trustStore == null && keyManagers == null) {
                return SSLContext.getDefault();
            }
            TrustManager[] trustManagers = null;
            if (!trusted.isEmpty() || trustStore != null) {
                KeyStore store = trustStore;
                if (!trusted.isEmpty()) {
                    store = KeyStore.getInstance(KeyStore.getDefaultType());
                    store.load(null, null);
                    for (int i = 0; i < trusted.size(); i++) {
                        store.setCertificateEntry("trusted-" + i, trusted.get(i));
                    }
                    if (trustStore != null) {
                        for (String alias : java.util.Collections.list(trustStore.aliases())) {
                            store.setCertificateEntry("store-" + alias, trustStore.getCertificate(alias));
                        }
                    }
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                trustManagers = tmf.getTrustManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keyManagers, trustManagers, null);
            return ctx;
        }
    }

    /** The insecure mode's trust manager: accepts any chain. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // test-only mode: every client is trusted
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // test-only mode: every server is trusted
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
