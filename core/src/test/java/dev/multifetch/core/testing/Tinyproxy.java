package dev.multifetch.core.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * tinyproxy (Debian package {@code tinyproxy-bin}), a small HTTP proxy, run on 127.0.0.1 by a
 * test. It forwards absolute-form requests without adding {@code Via}, and opens CONNECT tunnels
 * to any port, answering {@code HTTP/1.0 200 Connection established}: the configuration has no
 * {@code ConnectPort} line, which tinyproxy reads as "every port". With
 * {@link Builder#basicAuth basicAuth} a request without the credentials gets 407 with
 * {@code Proxy-Authenticate: Basic realm="Tinyproxy"}, no {@code Content-Length}, and the
 * connection closed; one with wrong credentials gets <em>401</em> with {@code WWW-Authenticate}
 * instead (tinyproxy/tinyproxy#532, fixed after 1.11.1, Debian 12's version).
 *
 * <pre>{@code
 * try (Tinyproxy proxy = Tinyproxy.builder().basicAuth("alice", "s3cret").start()) {
 *     fetch(origin.url("/x"), proxy.url("alice", "s3cret"));   // http://alice:s3cret@127.0.0.1:<port>
 *     assertThat(proxy.log()).contains("Request (file descriptor");
 * }
 * }</pre>
 *
 * It runs as the user running the tests; as root, tinyproxy only warns that no {@code User} is
 * set. {@link #close()} stops the process, waits for it and deletes its directory.
 */
public final class Tinyproxy extends ProxyProcess {

    private static final String LOG = "tinyproxy.log";

    private Tinyproxy(ServerProcess process) {
        super(process, Stop.ORDERLY);
    }

    /** A builder of a proxy without authentication. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    List<String> schemes() {
        return List.of("http");
    }

    /** tinyproxy's log so far (LogLevel Info): a {@code CONNECT … Request …} line per request, among others. */
    public String log() {
        return process.file(LOG);
    }

    /** How to configure tinyproxy; {@link #start()} runs it. */
    public static final class Builder {

        private final List<String> directives = new ArrayList<>();

        private Builder() {
        }

        /** {@code BasicAuth user password}: demands these credentials (no blanks or quotes in either). */
        public Builder basicAuth(String user, String password) {
            return directive("BasicAuth " + token(user) + " " + token(password));
        }

        /** Adds a line to the configuration, such as {@code "ConnectPort 443"} (then CONNECT goes to port 443 only). */
        public Builder directive(String line) {
            directives.add(line);
            return this;
        }

        /**
         * Writes the configuration, starts tinyproxy on a free loopback port and returns once it accepts connections.
         *
         * @throws IllegalStateException if tinyproxy is not installed, exits early or does not listen
         */
        public Tinyproxy start() {
            Path binary = ServerProcess.binary("tinyproxy", "tinyproxy-bin");
            Path directory = ServerProcess.newDirectory("tinyproxy");
            // on a taken port tinyproxy says only this, without the reason
            ServerProcess process = ServerProcess.start(directory, p -> p.stderr().contains("Could not create listening sockets"),
                    port -> {
                        Path conf = ServerProcess.write(directory.resolve("tinyproxy.conf"), configuration(directory, port));
                        return List.of(binary.toString(), "-d", "-c", conf.toString());
                    });
            return new Tinyproxy(process);
        }

        private String configuration(Path directory, int port) {
            StringBuilder c = new StringBuilder();
            c.append("Port ").append(port).append("\nListen 127.0.0.1\nAllow 127.0.0.1\n");
            c.append("Timeout 60\nMaxClients 100\nDisableViaHeader Yes\nLogLevel Info\n");
            c.append("LogFile \"").append(directory.resolve(LOG)).append("\"\n");
            directives.forEach(d -> c.append(d).append('\n'));
            return c.toString();
        }

        private static String token(String s) {
            if (s.isEmpty() || !s.chars().allMatch(c -> c > ' ' && c != '"' && c < 127)) {
                throw new IllegalArgumentException("tinyproxy takes no blanks, quotes or control characters here: \"" + s + "\"");
            }
            return s;
        }
    }
}
