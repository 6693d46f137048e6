package dev.multifetch.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Squid (Debian package {@code squid}), the reference caching proxy, run on 127.0.0.1 by a test
 * as a plain forwarding and CONNECT proxy: no cache, no port or {@code to_localhost} denials (so
 * loopback origins on any port are fine), clients from 127.0.0.1 only. It answers CONNECT with
 * {@code HTTP/1.1 200 Connection established}, and a request without credentials, when
 * authentication is on, with 407, a {@code Content-Length} body and the connection kept open.
 * {@link Builder#basicAuth basicAuth} and {@link Builder#digestAuth digestAuth} may be combined;
 * then the 407 carries both challenges.
 *
 * <pre>{@code
 * try (Squid proxy = Squid.builder().digestAuth("alice", "s3cret").start()) {
 *     fetch(origin.url("/x"), proxy.url("alice", "s3cret"));   // http://alice:s3cret@127.0.0.1:<port>
 *     assertThat(proxy.accessLog()).anyMatch(line -> line.contains("TCP_MISS/200 "));
 * }
 * }</pre>
 *
 * As root, Squid runs as {@code proxy} (its Debian default), which then owns the directory. It
 * starts in about a tenth of a second, but its orderly shutdown takes seconds whatever
 * {@code shutdown_lifetime} says, so {@link #close()} kills it and its authentication helpers
 * at once (SIGKILL), then deletes its directory.
 */
public final class Squid extends ProxyProcess {

    /** What Squid logs for a connection closed before it sent a request, such as the start-up probe's. */
    private static final String NO_REQUEST = "NONE_NONE/000";
    private static final Path HELPERS = Path.of("/usr/lib/squid");
    private static final String USER = "proxy";

    private Squid(ServerProcess process) {
        super(process, Stop.KILL);
    }

    /** A builder of a proxy without authentication. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    List<String> schemes() {
        return List.of("http");
    }

    /**
     * The access log so far, a line per request once it is over (a tunnel once it closes), in
     * Squid's native format: {@code time elapsed client TCP_MISS/200 bytes GET url user hierarchy type};
     * CONNECT tunnels log {@code TCP_TUNNEL/200}, refused credentials {@code TCP_DENIED/407}.
     * Connections that sent no request, such as the start-up probe's, are left out.
     */
    public List<String> accessLog() {
        return process.file("access.log").lines().filter(line -> !line.contains(NO_REQUEST)).toList();
    }

    /** Squid's own log so far ({@code cache_log}): start-up, helpers, warnings. */
    public String cacheLog() {
        return process.file("cache.log");
    }

    /** How to configure Squid; {@link #start()} runs it. */
    public static final class Builder {

        private final Map<String, String> basicUsers = new LinkedHashMap<>();
        private final Map<String, String> digestUsers = new LinkedHashMap<>();
        private final List<String> directives = new ArrayList<>();

        private Builder() {
        }

        /** Demands Basic credentials ({@code basic_ncsa_auth}); may be called for several users. */
        public Builder basicAuth(String user, String password) {
            basicUsers.put(user(user), password(password));
            return this;
        }

        /** Demands Digest credentials ({@code digest_file_auth}, MD5, {@code qop="auth"}); may be called for several users. */
        public Builder digestAuth(String user, String password) {
            digestUsers.put(user(user), password(password));
            return this;
        }

        /**
         * Adds a line to the configuration ahead of the access rules, such as
         * {@code "http_access deny CONNECT"} (then every CONNECT gets 403).
         */
        public Builder directive(String line) {
            directives.add(line);
            return this;
        }

        /**
         * Writes the configuration and credentials, starts Squid on a free loopback port and returns once it accepts connections.
         *
         * @throws IllegalStateException if Squid or a helper is not installed, exits early or does not listen
         */
        public Squid start() {
            Path binary = ServerProcess.binary("squid", "squid");
            Map<String, Map<String, String>> helpers = Map.of("basic_ncsa_auth", basicUsers, "digest_file_auth", digestUsers);
            helpers.forEach((helper, users) -> {
                if (!users.isEmpty() && !Files.isExecutable(HELPERS.resolve(helper))) {
                    throw new IllegalStateException(HELPERS.resolve(helper) + " not found: install the squid package (.ci/run does)");
                }
            });
            Path directory = ServerProcess.newDirectory("squid");
            String configuration = staticConfiguration(directory);
            if (ServerProcess.runsAsRoot()) {
                giveTo(USER, directory);
                configuration = "cache_effective_user " + USER + "\n" + configuration;
            }
            String withoutPort = configuration;
            // Squid logs why it exits to cache.log, not stderr
            ServerProcess process = ServerProcess.start(directory, p -> p.file("cache.log").contains("Address already in use"),
                    port -> {
                        String c = "http_port 127.0.0.1:" + port + "\n" + withoutPort;
                        Path conf = ServerProcess.write(directory.resolve("squid.conf"), c);
                        return List.of(binary.toString(), "-N", "-f", conf.toString());
                    });
            return new Squid(process);
        }

        private String staticConfiguration(Path dir) {
            StringBuilder c = new StringBuilder();
            c.append("pid_filename ").append(dir.resolve("squid.pid")).append('\n');
            c.append("cache_log ").append(dir.resolve("cache.log")).append('\n');
            c.append("access_log stdio:").append(dir.resolve("access.log")).append('\n');
            c.append("coredump_dir ").append(dir).append('\n');
            c.append("""
                    cache deny all
                    cache_mem 8 MB
                    shutdown_lifetime 0 seconds
                    visible_hostname localhost
                    pinger_enable off
                    netdb_filename none
                    digest_generation off
                    """);
            boolean auth = !basicUsers.isEmpty() || !digestUsers.isEmpty();
            if (!basicUsers.isEmpty()) {
                authParam(c, "basic", "basic_ncsa_auth", ServerProcess.write(dir.resolve("basic.passwd"), basicPasswords()));
            }
            if (!digestUsers.isEmpty()) {
                authParam(c, "digest", "digest_file_auth", ServerProcess.write(dir.resolve("digest.passwd"), digestPasswords()));
            }
            c.append("acl loopback_clients src 127.0.0.1/32\n");
            if (auth) {
                c.append("acl authenticated proxy_auth REQUIRED\n");
            }
            directives.forEach(d -> c.append(d).append('\n'));
            c.append("http_access deny !loopback_clients\n");
            c.append(auth ? "http_access allow authenticated\n" : "http_access allow loopback_clients\n");
            return c.append("http_access deny all\n").toString();
        }

        private static void authParam(StringBuilder c, String scheme, String helper, Path passwords) {
            Path program = HELPERS.resolve(helper);
            String prefix = "auth_param " + scheme + " ";
            c.append(prefix).append("program ").append(program).append(' ').append(passwords).append('\n');
            c.append(prefix).append("children 2 startup=0 idle=1\n");
            c.append(prefix).append("realm multifetch\n");
        }

        /** {@code user:<hex MD5 of the password>}, a form basic_ncsa_auth accepts besides crypt and APR1. */
        private String basicPasswords() {
            StringBuilder lines = new StringBuilder();
            basicUsers.forEach((user, password) -> lines.append(user).append(':').append(md5(password)).append('\n'));
            return lines.toString();
        }

        /** {@code user:password}, digest_file_auth's plain form. */
        private String digestPasswords() {
            StringBuilder lines = new StringBuilder();
            digestUsers.forEach((user, password) -> lines.append(user).append(':').append(password).append('\n'));
            return lines.toString();
        }

        private static void giveTo(String user, Path directory) {
            try {
                UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
                PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
                view.setOwner(users.lookupPrincipalByName(user));
                view.setGroup(users.lookupPrincipalByGroupName(user));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot give " + directory + " to the user " + user + " Squid runs as", e);
            }
        }

        private static String user(String user) {
            if (user.isEmpty() || !user.chars().allMatch(c -> c > ' ' && c != ':' && c < 127)) {
                throw new IllegalArgumentException("a Squid user name takes no blanks, colons or control characters: \"" + user + "\"");
            }
            return user;
        }

        private static String password(String password) {
            if (password.chars().anyMatch(c -> c < ' ')) {
                throw new IllegalArgumentException("a Squid password takes no control characters");
            }
            return password;
        }

        private static String md5(String s) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
