package dev.multifetch.core.testing;

import java.math.BigInteger;
import java.net.InetAddress;
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
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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
 * expired, for another host, self-signed, for clients). Nothing here is ever written to disk
 * or committed.
 */
public final class TestCertificates {

    private static final AtomicLong SERIALS = new AtomicLong(1000);

    /** A key pair and its certificate chain (leaf first). */
    public record Identity(PrivateKey key, List<X509Certificate> chain) {

        /** The leaf certificate. */
        public X509Certificate certificate() {
            return chain.get(0);
        }

        /** A PKCS12 key store holding this identity under alias {@code id}, password {@code secret}. */
        public KeyStore keyStore() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("id", key, PASSWORD, chain.toArray(Certificate[]::new));
                return ks;
            } catch (GeneralSecurityException | java.io.IOException e) {
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
