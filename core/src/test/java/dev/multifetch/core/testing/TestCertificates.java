package dev.multifetch.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway certificates made at test time: a CA, and leaf certificates it signs (valid,
 * expired, for another host, self-signed, for clients). Nothing here is committed; an identity
 * is written to disk only as PEM files in a test's temporary directory, for a server process.
 */
public final class TestCertificates {

    private static final AtomicLong SERIALS = new AtomicLong(1000);

    /** A key pair and its certificate chain (leaf first). */
    public record Identity(PrivateKey key, List<X509Certificate> chain) {

        /** The leaf certificate. */
        public X509Certificate certificate() {
            return chain.get(0);
        }

        /** The last certificate of the chain: the CA to trust (the leaf itself when self-signed). */
        public X509Certificate authority() {
            return chain.get(chain.size() - 1);
        }

        /**
         * Writes the chain (leaf first) and the private key (PKCS#8) as PEM, for servers run as
         * other processes, such as nghttpd and nginx.
         */
        public void writePem(Path chainFile, Path keyFile) {
            try {
                StringBuilder certificates = new StringBuilder();
                for (X509Certificate c : chain) {
                    certificates.append(pem("CERTIFICATE", c.getEncoded()));
                }
                Files.writeString(chainFile, certificates, StandardCharsets.US_ASCII);
                Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write PEM files " + chainFile + ", " + keyFile, e);
            }
        }

        private static String pem(String label, byte[] der) {
            return "-----BEGIN " + label + "-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END " + label + "-----\n";
        }

        /** A PKCS12 key store holding this identity under alias {@code id}, password {@code secret}. */
        public KeyStore keyStore() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("id", key, PASSWORD, chain.toArray(Certificate[]::new));
                return ks;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The password of every key store made here. */
    public static final char[] PASSWORD = "secret".toCharArray();

    private final Identity ca;

    private TestCertificates(Identity ca) {
        this.ca = ca;
    }

    /** A new CA. */
    public static TestCertificates newAuthority() {
        KeyPair pair = keyPair();
        X509Certificate cert = build("CN=multifetch test CA", pair, "CN=multifetch test CA", pair.getPrivate(),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), true, List.of());
        return new TestCertificates(new Identity(pair.getPrivate(), List.of(cert)));
    }

    /** The CA's certificate, to trust. */
    public X509Certificate authority() {
        return ca.certificate();
    }

    /** A server certificate for {@code names} (DNS names or IP literals), valid now. */
    public Identity server(String... names) {
        return leaf("CN=" + names[0], Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(7)), names);
    }

    /** A server certificate for {@code names} that expired yesterday. */
    public Identity expiredServer(String... names) {
        return leaf("CN=" + names[0], Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)), names);
    }

    /** A client certificate (mTLS) signed by this CA. */
    public Identity client(String commonName) {
        return leaf("CN=" + commonName, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(7)));
    }

    /** A self-signed server certificate for {@code names}: no CA vouches for it. */
    public static Identity selfSigned(String... names) {
        KeyPair pair = keyPair();
        X509Certificate cert = build("CN=" + names[0], pair, "CN=" + names[0], pair.getPrivate(),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(7)), false, List.of(names));
        return new Identity(pair.getPrivate(), List.of(cert));
    }

    /** A client TLS context that trusts {@code authority} and nothing else, for the JDK's own clients. */
    public static SSLContext clientContextTrusting(X509Certificate authority) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", authority);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a TLS context trusting " + authority.getSubjectX500Principal(), e);
        }
    }

    private Identity leaf(String subject, Instant from, Instant to, String... names) {
        KeyPair pair = keyPair();
        X509Certificate cert = build(subject, pair, ca.certificate().getSubjectX500Principal().getName(), ca.key(), from, to,
                false, List.of(names));
        return new Identity(pair.getPrivate(), List.of(cert, ca.certificate()));
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(256);
            return kpg.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate build(String subject, KeyPair subjectKeys, String issuer, PrivateKey issuerKey,
                                         Instant from, Instant to, boolean ca, List<String> names) {
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(from), Date.from(to), new X500Name(subject),
                    subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (!names.isEmpty()) {
                List<GeneralName> sans = new ArrayList<>();
                for (String n : names) {
                    boolean ip = n.chars().allMatch(c -> Character.isDigit(c) || c == '.') || n.contains(":");
                    sans.add(ip ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress())
                            : new GeneralName(GeneralName.dNSName, n));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate for " + subject, e);
        }
    }
}
