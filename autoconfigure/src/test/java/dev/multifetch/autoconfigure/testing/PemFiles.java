package dev.multifetch.autoconfigure.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import dev.multifetch.core.testing.TestCertificates;

/**
 * Writes throwaway certificates and keys made by {@link TestCertificates} as PEM files into a
 * test's temporary directory, and the Spring Boot properties of an SSL bundle that reads them.
 * Nothing here is ever written outside that directory or committed.
 */
public final class PemFiles {

    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private PemFiles() {
    }

    /** Writes {@code certificates} to {@code dir/name}; returns the file. */
    public static Path certificates(Path dir, String name, List<X509Certificate> certificates) {
        String pem = certificates.stream().map(PemFiles::encode).collect(Collectors.joining());
        return write(dir.resolve(name), pem);
    }

    /** Writes the identity's key (PKCS#8, unencrypted) to {@code dir/name}; returns the file. */
    public static Path privateKey(Path dir, String name, TestCertificates.Identity identity) {
        return write(dir.resolve(name), block("PRIVATE KEY", identity.key().getEncoded()));
    }

    /** {@code spring.ssl.bundle.pem.<bundle>.truststore.certificate} for a file of trusted certificates. */
    public static String truststore(String bundle, Path certificates) {
        return "spring.ssl.bundle.pem." + bundle + ".truststore.certificate=" + certificates.toUri();
    }

    /** The two {@code spring.ssl.bundle.pem.<bundle>.keystore.*} properties of a client identity's files. */
    public static String[] keystore(String bundle, Path chain, Path key) {
        return new String[] { "spring.ssl.bundle.pem." + bundle + ".keystore.certificate=" + chain.toUri(),
                "spring.ssl.bundle.pem." + bundle + ".keystore.private-key=" + key.toUri() };
    }

    private static String encode(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
