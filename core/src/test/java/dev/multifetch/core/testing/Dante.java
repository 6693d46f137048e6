package dev.multifetch.core.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Dante's SOCKS server {@code danted} (Debian package {@code dante-server}), run on 127.0.0.1 by a
 * test for SOCKS4 and SOCKS5 without authentication ({@code socksmethod: none}), to any target,
 * loopback included. SOCKS5 takes domain names (socks5h), but Dante 1.4.2 does <em>not</em>
 * implement SOCKS4a: it takes the 0.0.0.x address of such a request for the target itself and
 * answers 91, so {@link #url(String) url("socks4a")} is refused. Username authentication would
 * check system accounts; microsocks covers it ({@link Microsocks}).
 *
 * <pre>{@code
 * try (Dante proxy = Dante.builder().start()) {
 *     fetch(origin.url("/x"), proxy.url("socks4"));   // socks4://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * danted forks a pool of about twenty processes; as root they run as {@code nobody}. Its orderly
 * shutdown takes a second, so {@link #close()} kills them all at once (SIGKILL), then deletes its
 * directory.
 */
public final class Dante extends ProxyProcess {

    private Dante(ServerProcess process) {
        super(process, Stop.KILL);
    }

    /** A builder of a proxy that lets every loopback client connect anywhere. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code socks5}, {@code socks5h} and {@code socks4}, not {@code socks4a}: Dante answers a SOCKS4a request with 91. */
    @Override
    List<String> schemes() {
        return List.of("socks5", "socks5h", "socks4");
    }

    /** What danted logged so far (stderr): a {@code pass(1): tcp/connect} line per tunnel, and why a request was blocked. */
    public String log() {
        return process.stderr();
    }

    /** How to configure danted; {@link #start()} runs it. */
    public static final class Builder {

        private final List<String> socksRules = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a socks rule ahead of the one that passes everything, such as
         * {@code "socks block { from: 0.0.0.0/0 to: 127.0.0.1/32 port = 8080 }"}: a SOCKS5 request it
         * blocks gets reply 2, "connection not allowed by ruleset".
         */
        public Builder socksRule(String rule) {
            socksRules.add(rule);
            return this;
        }

        /**
         * Writes the configuration, starts danted on a free loopback port and returns once it accepts connections.
         *
         * @throws IllegalStateException if danted is not installed, exits early or does not listen
         */
        public Dante start() {
            Path binary = ServerProcess.binary("danted", "dante-server");
            Path directory = ServerProcess.newDirectory("danted");
            ServerProcess process = ServerProcess.start(directory, port -> {
                Path conf = ServerProcess.write(directory.resolve("danted.conf"), configuration(port));
                return List.of(binary.toString(), "-f", conf.toString(), "-p", directory.resolve("danted.pid").toString());
            });
            return new Dante(process);
        }

        private String configuration(int port) {
            StringBuilder c = new StringBuilder();
            c.append("logoutput: stderr\ninternal: 127.0.0.1 port = ").append(port).append('\n');
            c.append("external: 127.0.0.1\nclientmethod: none\nsocksmethod: none\n");
            if (ServerProcess.runsAsRoot()) {
                c.append("user.privileged: root\nuser.unprivileged: nobody\n");
            }
            c.append("client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: error }\n");
            socksRules.forEach(rule -> c.append(rule).append('\n'));
            return c.append("socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect error }\n").toString();
        }
    }
}
