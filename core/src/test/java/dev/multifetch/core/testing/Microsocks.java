package dev.multifetch.core.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * microsocks (Debian package {@code microsocks}), a tiny SOCKS5 server, run on 127.0.0.1 by a
 * test. It takes IPv4, IPv6 and domain-name targets (socks5 and socks5h), connects to any of them,
 * loopback included, and with {@link Builder#auth auth} demands RFC 1929 username/password: a
 * greeting that does not offer method 2 then gets method {@code 0xFF}. It speaks no SOCKS4.
 *
 * <pre>{@code
 * try (Microsocks proxy = Microsocks.builder().auth("alice", "s3cret").start()) {
 *     fetch(origin.url("/x"), proxy.url("alice", "s3cret"));   // socks5://alice:s3cret@127.0.0.1:<port>
 *     assertThat(proxy.log()).contains("connected to 127.0.0.1:");
 * }
 * }</pre>
 *
 * {@link #close()} stops the process, waits for it and deletes its directory.
 */
public final class Microsocks extends ProxyProcess {

    private Microsocks(ServerProcess process) {
        super(process, Stop.ORDERLY);
    }

    /** A builder of a proxy without authentication. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code socks5}, and {@code socks5h}: it resolves names too. */
    @Override
    List<String> schemes() {
        return List.of("socks5", "socks5h");
    }

    /** What microsocks logged so far (stderr): a {@code client[n] 127.0.0.1: connected to host:port} line per tunnel. */
    public String log() {
        return process.stderr();
    }

    /** How to run microsocks; {@link #start()} runs it. */
    public static final class Builder {

        private final List<String> options = new ArrayList<>();

        private Builder() {
        }

        /** {@code -u user -P password}: demands RFC 1929 username/password authentication (each at most 255 bytes). */
        public Builder auth(String user, String password) {
            options.addAll(List.of("-u", user, "-P", password));
            return this;
        }

        /**
         * Starts microsocks on a free loopback port and returns once it accepts connections.
         *
         * @throws IllegalStateException if microsocks is not installed, exits early or does not listen
         */
        public Microsocks start() {
            Path binary = ServerProcess.binary("microsocks", "microsocks");
            Path directory = ServerProcess.newDirectory("microsocks");
            ServerProcess process = ServerProcess.start(directory, port -> {
                List<String> command = new ArrayList<>(List.of(binary.toString(), "-i", "127.0.0.1", "-p", Integer.toString(port)));
                command.addAll(options);
                return command;
            });
            return new Microsocks(process);
        }
    }
}
