package dev.multifetch.core.testing;

import dev.multifetch.core.TlsConfig;
import dev.multifetch.core.testing.TestCertificates.Identity;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * nghttpd (Debian package {@code nghttp2-server}), nghttp2's reference HTTP/2 server, run on
 * 127.0.0.1 by a test: cleartext h2c with prior knowledge, or TLS offering {@code h2} by ALPN with
 * a certificate from {@link TestCertificates}. It serves the generated files of an {@link Htdocs}.
 * nghttpd speaks HTTP/2 only: an HTTP/1.1 request gets no answer.
 *
 * <pre>{@code
 * try (Nghttpd server = Nghttpd.builder().maxConcurrentStreams(8).file("/1k", 1024).start()) {
 *     fetch(server.url("/1k"));   // http://127.0.0.1:<port>/1k, expect server.content("/1k")
 * }
 * }</pre>
 *
 * {@link #close()} stops the process, waits for it and deletes its directory.
 */
public final class Nghttpd implements AutoCloseable {

    private final ServerProcess process;
    private final Identity identity;
    private final Htdocs htdocs;

    private Nghttpd(ServerProcess process, Identity identity, Htdocs htdocs) {
        this.process = process;
        this.identity = identity;
        this.htdocs = htdocs;
    }

    /** A builder of a cleartext server with nghttpd's defaults (100 concurrent streams, 64 KiB windows). */
    public static Builder builder() {
        return new Builder();
    }

    /** The port it listens on. */
    public int port() {
        return process.port();
    }

    /** {@code http://127.0.0.1:<port><path>}, or {@code https://…} with TLS. */
    public String url(String path) {
        return (identity == null ? "http" : "https") + "://127.0.0.1:" + port() + path;
    }

    /** The bytes of the generated document at {@code path}. */
    public byte[] content(String path) {
        return htdocs.content(path);
    }

    /** The CA certificate that vouches for the server's certificate. */
    public X509Certificate authority() {
        requireTls();
        return identity.authority();
    }

    /** Our client's TLS settings trusting this server's CA and nothing else. */
    public TlsConfig tlsConfig() {
        return TlsConfig.builder().trustCertificates(List.of(authority())).build();
    }

    /** A JDK TLS context trusting this server's CA, for the JDK's HttpClient or {@link RawH2Client}. */
    public SSLContext sslContext() {
        return TestCertificates.clientContextTrusting(authority());
    }

    /** What nghttpd printed on stdout: its frame log when built {@link Builder#verbose() verbose}. */
    public String log() {
        return process.stdout();
    }

    /** The temporary directory holding its documents, certificate and output. */
    Path directory() {
        return process.directory();
    }

    /** Stops nghttpd, waits for it to exit, and deletes its directory. */
    @Override
    public void close() {
        process.close();
        process.deleteDirectory();
    }

    private void requireTls() {
        if (identity == null) {
            throw new IllegalStateException("cleartext nghttpd has no certificate: build it with tls()");
        }
    }

    /** How to run nghttpd; {@link #start()} runs it. */
    public static final class Builder {

        private final Htdocs htdocs = new Htdocs();
        private final List<String> options = new ArrayList<>();
        private Identity identity;

        private Builder() {
        }

        /** Serves TLS with a certificate for 127.0.0.1 and localhost from a new test CA. */
        public Builder tls() {
            return tls(TestCertificates.newAuthority().server("127.0.0.1", "localhost"));
        }

        /** Serves TLS presenting {@code identity}. */
        public Builder tls(Identity identity) {
            this.identity = identity;
            return this;
        }

        /** {@code -m}: SETTINGS_MAX_CONCURRENT_STREAMS. */
        public Builder maxConcurrentStreams(int n) {
            return option("--max-concurrent-streams=" + n);
        }

        /** {@code -w}: each stream's initial window is 2^bits - 1 octets. */
        public Builder windowBits(int bits) {
            return option("--window-bits=" + bits);
        }

        /** {@code -W}: the connection's initial window is 2^bits - 1 octets. */
        public Builder connectionWindowBits(int bits) {
            return option("--connection-window-bits=" + bits);
        }

        /** {@code --echo-upload}: answers POST and PUT with the request body. */
        public Builder echoUpload() {
            return option("--echo-upload");
        }

        /** {@code --trailer}: adds {@code field} ({@code "name: value"}) as a trailer to responses with a body. */
        public Builder trailer(String field) {
            return option("--trailer=" + field);
        }

        /** {@code --early-response}: answers once the request's headers arrived, before its body. */
        public Builder earlyResponse() {
            return option("--early-response");
        }

        /** {@code --no-content-length}: responses carry no content-length. */
        public Builder noContentLength() {
            return option("--no-content-length");
        }

        /** {@code -v}: logs every frame on stdout, read with {@link Nghttpd#log()}. */
        public Builder verbose() {
            return option("--verbose");
        }

        /** Any other nghttpd option, as one argument. */
        public Builder option(String option) {
            options.add(option);
            return this;
        }

        /** Adds a generated document of {@code size} bytes at {@code path}. */
        public Builder file(String path, int size) {
            htdocs.file(path, size);
            return this;
        }

        /**
         * Starts nghttpd on a free loopback port and returns once it accepts connections.
         *
         * @throws IllegalStateException if nghttpd is not installed, exits early or does not listen
         */
        public Nghttpd start() {
            Path binary = ServerProcess.binary("nghttpd", "nghttp2-server");
            Path directory = ServerProcess.newDirectory("nghttpd");
            Path root = directory.resolve("htdocs");
            htdocs.writeTo(root);
            Path chain = directory.resolve("chain.pem");
            Path key = directory.resolve("key.pem");
            if (identity != null) {
                identity.writePem(chain, key);
            }
            ServerProcess process = ServerProcess.start(directory, port -> {
                List<String> command = new ArrayList<>(List.of(binary.toString(), "--address=127.0.0.1",
                        "--htdocs=" + root));
                command.addAll(options);
                if (identity == null) {
                    command.addAll(List.of("--no-tls", Integer.toString(port)));
                } else {
                    command.addAll(List.of(Integer.toString(port), key.toString(), chain.toString()));
                }
                return command;
            });
            return new Nghttpd(process, identity, htdocs);
        }
    }
}
