package dev.multifetch.core.testing;

import dev.multifetch.core.testing.TestCertificates.Identity;
import java.nio.file.Path;
import java.util.List;

/**
 * stunnel (Debian package {@code stunnel4}) run on 127.0.0.1 by a test as a TLS front: it takes
 * TLS connections with a certificate from {@link TestCertificates} and relays the bytes inside,
 * in cleartext, to another loopback port. In front of an HTTP proxy it makes an HTTPS proxy.
 *
 * <pre>{@code
 * try (Tinyproxy tinyproxy = Tinyproxy.builder().start();
 *      Stunnel proxy = Stunnel.front(tinyproxy.port())) {
 *     fetch(origin.url("/x"), proxy.url(), proxy.tlsConfig());   // https://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * {@link #close()} stops the process, waits for it and deletes its directory; the backend stays.
 */
public final class Stunnel extends TlsProxyProcess {

    private Stunnel(ServerProcess process, Identity identity) {
        super(process, identity);
    }

    /** A TLS front for {@code 127.0.0.1:backendPort}, with a certificate for 127.0.0.1 and localhost from a new test CA. */
    public static Stunnel front(int backendPort) {
        return front(backendPort, TestCertificates.newAuthority().server("127.0.0.1", "localhost"));
    }

    /**
     * A TLS front for {@code 127.0.0.1:backendPort} presenting {@code identity}, started on a free
     * loopback port; returns once it accepts connections.
     *
     * @throws IllegalStateException if stunnel is not installed, exits early or does not listen
     */
    public static Stunnel front(int backendPort, Identity identity) {
        Path binary = ServerProcess.binary("stunnel4", "stunnel4");
        Path directory = ServerProcess.newDirectory("stunnel");
        Path chain = directory.resolve("chain.pem");
        Path key = directory.resolve("key.pem");
        identity.writePem(chain, key);
        ServerProcess process = ServerProcess.start(directory, port -> {
            String configuration = """
                    foreground = yes
                    syslog = no
                    pid =
                    debug = info
                    [front]
                    accept = 127.0.0.1:%d
                    connect = 127.0.0.1:%d
                    cert = %s
                    key = %s
                    """.formatted(port, backendPort, chain, key);
            Path conf = ServerProcess.write(directory.resolve("stunnel.conf"), configuration);
            return List.of(binary.toString(), conf.toString());
        });
        return new Stunnel(process, identity);
    }

    /** What stunnel logged so far (stderr, debug = info): a {@code Service [front] accepted connection} line per connection. */
    public String log() {
        return process.stderr();
    }
}
