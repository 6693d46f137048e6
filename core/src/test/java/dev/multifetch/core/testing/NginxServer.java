package dev.multifetch.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.TlsConfig;
import dev.multifetch.core.testing.TestCertificates.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * nginx (Debian package {@code nginx}, 1.22 syntax) run on 127.0.0.1 by a test, with a
 * configuration of its own in a temporary directory: cleartext h2c (prior knowledge), TLS with
 * {@code h2} and {@code http/1.1} offered by ALPN, or TLS with HTTP/1.1 only. It serves the
 * generated files of an {@link Htdocs} and short texts ({@code return 200 "…"}), {@code /hello} among
 * them. Every request served is a line of its access log, which names the connection it came on,
 * so a test can count requests and connections.
 *
 * <p>nginx runs in the foreground as one process ({@code daemon off; master_process off;}), which
 * works the same whether the tests run as root or not: no worker switches user, and every path it
 * writes (pid, logs, temporary files) is in its directory. {@link #close()} stops it (SIGTERM: a fast
 * shutdown), waits for it and deletes the directory.
 */
public final class NginxServer implements AutoCloseable {

    /** How the server listens. */
    public enum Mode {
        /** Cleartext HTTP/2 with prior knowledge ({@code listen … http2;}). */
        H2C,
        /** TLS offering h2 and http/1.1 by ALPN ({@code listen … ssl http2;}). */
        TLS_H2,
        /** TLS with HTTP/1.1 only: ALPN, if the client offers it, settles on http/1.1. */
        TLS_HTTP11,
        /** Cleartext HTTP/1.1. */
        HTTP11
    }

    private static final String LOG_FORMAT = "$connection $connection_requests $server_protocol \"$request\" $status $bytes_sent";

    private final ServerProcess process;
    private final Mode mode;
    private final Identity identity;
    private final Htdocs htdocs;

    private NginxServer(ServerProcess process, Mode mode, Identity identity, Htdocs htdocs) {
        this.process = process;
        this.mode = mode;
        this.identity = identity;
        this.htdocs = htdocs;
    }

    /** A builder of an h2c server with nginx's defaults (128 concurrent streams, GOAWAY after 1000 requests). */
    public static Builder builder() {
        return new Builder();
    }

    /** The port it listens on. */
    public int port() {
        return process.port();
    }

    /** How it listens. */
    public Mode mode() {
        return mode;
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
        if (identity == null) {
            throw new IllegalStateException("nginx in mode " + mode + " has no certificate");
        }
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

    /**
     * The access log, one line per request served, in the order logged:
     * {@code <connection serial> <request number on it> <protocol> "<request line>" <status> <bytes sent>}.
     * nginx writes a line once the response is sent, so it may trail the client's view by a moment:
     * see {@link #awaitRequestCount}.
     */
    public List<String> accessLog() {
        try {
            Path log = process.directory().resolve("access.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read nginx's access log", e);
        }
    }

    /** How many requests nginx has logged. */
    public int requestCount() {
        return accessLog().size();
    }

    /** How many distinct connections the logged requests came on. */
    public long connectionCount() {
        return accessLog().stream().map(line -> line.substring(0, line.indexOf(' '))).distinct().count();
    }

    /** Waits, polling the log, up to {@link Fetches#WAIT} until at least {@code n} requests are logged; returns the log. */
    public List<String> awaitRequestCount(int n) {
        Fetches.eventually().untilAsserted(() -> assertThat(accessLog()).as("nginx's access log").hasSizeGreaterThanOrEqualTo(n));
        return accessLog();
    }

    /** What nginx wrote to its error log (stderr) so far. */
    public String errorLog() {
        return process.stderr();
    }

    /** Stops nginx, waits for it to exit, and deletes its directory. */
    @Override
    public void close() {
        process.close();
        process.deleteDirectory();
    }

    /** How to configure nginx; {@link #start()} runs it. */
    public static final class Builder {

        private final Htdocs htdocs = new Htdocs();
        private final Map<String, String> texts = new LinkedHashMap<>(Map.of("/hello", "hello"));
        private final List<String> directives = new ArrayList<>();
        private Mode mode = Mode.H2C;
        private Identity identity;
        private int maxConcurrentStreams = 128;
        private int keepaliveRequests = 1000;

        private Builder() {
        }

        /** Listens in {@code mode}; the TLS modes get a certificate for 127.0.0.1 and localhost from a new test CA. */
        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        /** In a TLS mode, presents {@code identity} (ignored in cleartext). */
        public Builder identity(Identity identity) {
            this.identity = identity;
            return this;
        }

        /** {@code http2_max_concurrent_streams}. */
        public Builder maxConcurrentStreams(int n) {
            this.maxConcurrentStreams = n;
            return this;
        }

        /** {@code keepalive_requests}: after this many requests on a connection nginx closes it (HTTP/2: GOAWAY). */
        public Builder keepaliveRequests(int n) {
            this.keepaliveRequests = n;
            return this;
        }

        /** Adds a generated document of {@code size} bytes at {@code path}. */
        public Builder file(String path, int size) {
            htdocs.file(path, size);
            return this;
        }

        /** Answers {@code path} (exactly) with 200 and {@code body} as text/plain. */
        public Builder text(String path, String body) {
            if (body.contains("$")) {
                throw new IllegalArgumentException("nginx would expand variables in a text with '$': " + body);
            }
            texts.put(path, body);
            return this;
        }

        /** Adds a directive, such as {@code "http2_chunk_size 4k;"}, to the server block. */
        public Builder directive(String directive) {
            directives.add(directive);
            return this;
        }

        /**
         * Writes the configuration, starts nginx on a free loopback port and returns once it accepts connections.
         *
         * @throws IllegalStateException if nginx is not installed, exits early or does not listen
         */
        public NginxServer start() {
            boolean tls = mode == Mode.TLS_H2 || mode == Mode.TLS_HTTP11;
            Identity identity = !tls ? null
                    : this.identity != null ? this.identity : TestCertificates.newAuthority().server("127.0.0.1", "localhost");
            Path binary = ServerProcess.binary("nginx", "nginx");
            Path directory = ServerProcess.newDirectory("nginx");
            htdocs.writeTo(directory.resolve("htdocs"));
            if (identity != null) {
                identity.writePem(directory.resolve("chain.pem"), directory.resolve("key.pem"));
            }
            ServerProcess process = ServerProcess.start(directory, port -> {
                Path conf = ServerProcess.write(directory.resolve("nginx.conf"), configuration(directory, port, identity != null));
                return List.of(binary.toString(), "-p", directory + "/", "-c", conf.toString(), "-e", "stderr");
            });
            return new NginxServer(process, mode, identity, htdocs);
        }

        private String configuration(Path dir, int port, boolean tls) {
            StringBuilder c = new StringBuilder();
            c.append("daemon off;\nmaster_process off;\nworker_processes 1;\n");
            c.append("pid ").append(dir.resolve("nginx.pid")).append(";\nerror_log stderr notice;\n");
            c.append("events { worker_connections 1024; }\nhttp {\n");
            for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
                c.append("  ").append(temp).append("_temp_path ").append(dir.resolve(temp + "_temp")).append(";\n");
            }
            c.append("  log_format counted '").append(LOG_FORMAT).append("';\n");
            c.append("  access_log ").append(dir.resolve("access.log")).append(" counted;\n");
            c.append("  default_type application/octet-stream;\n  types { }\n");
            c.append("  keepalive_requests ").append(keepaliveRequests).append(";\n");
            c.append("  http2_max_concurrent_streams ").append(maxConcurrentStreams).append(";\n");
            c.append("  server {\n    listen 127.0.0.1:").append(port).append(listenParameters()).append(";\n");
            if (tls) {
                c.append("    ssl_certificate ").append(dir.resolve("chain.pem")).append(";\n");
                c.append("    ssl_certificate_key ").append(dir.resolve("key.pem")).append(";\n");
                c.append("    ssl_protocols TLSv1.2 TLSv1.3;\n");
            }
            c.append("    root ").append(dir.resolve("htdocs")).append(";\n");
            directives.forEach(d -> c.append("    ").append(d).append('\n'));
            texts.forEach((path, body) -> c.append("    location = ").append(path)
                    .append(" { default_type text/plain; return 200 \"").append(escape(body)).append("\"; }\n"));
            return c.append("  }\n}\n").toString();
        }

        private String listenParameters() {
            return switch (mode) {
                case H2C -> " http2";
                case TLS_H2 -> " ssl http2";
                case TLS_HTTP11 -> " ssl";
                case HTTP11 -> "";
            };
        }

        private static String escape(String body) {
            return body.replace("\\", "\\\\").replace("\"", "\\\"");
        }
    }
}
