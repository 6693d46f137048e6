package dev.multifetch.core.testing;

import dev.multifetch.core.testing.TestCertificates.Identity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ncat's HTTP proxy ({@code ncat --proxy-type http}, Debian package {@code ncat}) run by a test:
 * it forwards GET, HEAD and POST and opens CONNECT tunnels, answering {@code HTTP/1.0 200 OK}.
 * With {@link Builder#auth auth} a request without credentials gets a 407 that offers both
 * {@code Basic} and {@code Digest} (MD5, {@code qop="auth"}), has no body and closes the
 * connection, so a Digest answer goes on a new one. With {@link Builder#tls tls} it is an HTTPS
 * proxy in one process.
 *
 * <pre>{@code
 * try (NcatProxy proxy = NcatProxy.builder().auth("alice", "s3cret").tls().start()) {
 *     fetch(origin.url("/x"), proxy.url("alice", "s3cret"), proxy.tlsConfig());   // https://alice:s3cret@127.0.0.1:<port>
 * }
 * }</pre>
 *
 * Ncat 7.93 ignores the listen address in proxy mode and binds every interface (nmap/nmap#2614),
 * so the fixture adds {@code --allow 127.0.0.1}: clients from elsewhere are turned away. Ncat
 * forks a process per client; {@link #close()} stops them all, waits for them and deletes the
 * directory.
 */
public final class NcatProxy extends TlsProxyProcess {

    private NcatProxy(ServerProcess process, Identity identity) {
        super(process, identity);
    }

    /** A builder of a cleartext proxy without authentication. */
    public static Builder builder() {
        return new Builder();
    }

    /** What ncat wrote so far to stderr (it runs with {@code -v}: a line per connection). */
    public String log() {
        return process.stderr();
    }

    /** How to run ncat; {@link #start()} runs it. */
    public static final class Builder {

        private String credentials;
        private Identity identity;

        private Builder() {
        }

        /** {@code --proxy-auth user:password}: demands Basic or Digest credentials (no colon in the user). */
        public Builder auth(String user, String password) {
            if (user.contains(":")) {
                throw new IllegalArgumentException("ncat takes no colon in a user name: " + user);
            }
            this.credentials = user + ":" + password;
            return this;
        }

        /** Speaks TLS with a certificate for 127.0.0.1 and localhost from a new test CA. */
        public Builder tls() {
            return tls(TestCertificates.newAuthority().server("127.0.0.1", "localhost"));
        }

        /** Speaks TLS presenting {@code identity}. */
        public Builder tls(Identity identity) {
            this.identity = identity;
            return this;
        }

        /**
         * Starts ncat on a free loopback port and returns once it accepts connections.
         *
         * @throws IllegalStateException if ncat is not installed, exits early or does not listen
         */
        public NcatProxy start() {
            Path binary = ServerProcess.binary("ncat", "ncat");
            Path directory = ServerProcess.newDirectory("ncat");
            List<String> options = new ArrayList<>(List.of("--proxy-type", "http", "--allow", "127.0.0.1", "-v"));
            if (credentials != null) {
                options.addAll(List.of("--proxy-auth", credentials));
            }
            if (identity != null) {
                Path chain = directory.resolve("chain.pem");
                Path key = directory.resolve("key.pem");
                identity.writePem(chain, key);
                options.addAll(List.of("--ssl", "--ssl-cert", chain.toString(), "--ssl-key", key.toString()));
            }
            ServerProcess process = ServerProcess.start(directory, port -> {
                List<String> command = new ArrayList<>(List.of(binary.toString(), "-lk", "127.0.0.1", Integer.toString(port)));
                command.addAll(options);
                return command;
            });
            return new NcatProxy(process, identity);
        }
    }
}
