package dev.multifetch.core.testing;

import dev.multifetch.core.TlsConfig;
import dev.multifetch.core.testing.TestCertificates.Identity;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;

/** A proxy fixture that may speak TLS to its clients (an HTTPS proxy), presenting an {@link Identity} from {@link TestCertificates}. */
abstract class TlsProxyProcess extends ProxyProcess {

    private final Identity identity;

    /** {@code identity} null: a cleartext HTTP proxy. */
    TlsProxyProcess(ServerProcess process, Identity identity) {
        super(process, Stop.ORDERLY);
        this.identity = identity;
    }

    /** The CA certificate that vouches for its certificate. */
    public X509Certificate authority() {
        if (identity == null) {
            throw new IllegalStateException("a cleartext proxy has no certificate: " + url());
        }
        return identity.authority();
    }

    /** Our client's TLS settings for the proxy: trusting its CA and nothing else. */
    public TlsConfig tlsConfig() {
        return TlsConfig.builder().trustCertificates(List.of(authority())).build();
    }

    /** A JDK TLS context trusting its CA, for the JDK's own clients. */
    public SSLContext sslContext() {
        return TestCertificates.clientContextTrusting(authority());
    }

    @Override
    List<String> schemes() {
        return List.of(identity == null ? "http" : "https");
    }
}
