package dev.multifetch.core.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * What the proxy fixtures share: one proxy binary run as a {@link ServerProcess} on a loopback
 * port, in a directory of its own; its URL in curl's form; and the hooks their smoke tests use to
 * prove that closing leaves no process behind.
 */
abstract class ProxyProcess implements AutoCloseable {

    /** How {@link #close()} ends the proxy. */
    enum Stop {
        /** SIGTERM, then SIGKILL if it lingers. */
        ORDERLY,
        /** SIGKILL at once, for proxies whose orderly shutdown takes seconds and saves nothing a test needs. */
        KILL
    }

    final ServerProcess process;
    private final Stop stop;

    ProxyProcess(ServerProcess process, Stop stop) {
        this.process = process;
        this.stop = stop;
    }

    /** The port it listens on, on 127.0.0.1. */
    public int port() {
        return process.port();
    }

    /** {@code <scheme>://127.0.0.1:<port>}, with the first of the {@link #schemes()} it speaks. */
    public String url() {
        return url(schemes().get(0));
    }

    /**
     * {@code scheme://127.0.0.1:<port>}, for any scheme it speaks, in curl's names: such as
     * {@code socks5h} for a SOCKS5 proxy that resolves the target's name.
     *
     * @throws IllegalArgumentException if the proxy does not speak {@code scheme}
     */
    public String url(String scheme) {
        if (!schemes().contains(scheme)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " speaks " + schemes() + ", not " + scheme);
        }
        return scheme + "://127.0.0.1:" + port();
    }

    /** {@code <scheme>://user:password@127.0.0.1:<port>}, the user and password percent-encoded. */
    public String url(String user, String password) {
        return schemes().get(0) + "://" + encode(user) + ":" + encode(password) + "@127.0.0.1:" + port();
    }

    /** Stops the proxy and every process it started, waits for them to exit, and deletes its directory. */
    @Override
    public final void close() {
        if (stop == Stop.KILL) {
            process.kill();
        } else {
            process.close();
        }
        process.deleteDirectory();
    }

    /** The schemes a client may name this proxy with, in curl's names; the first is {@link #url()}'s. */
    abstract List<String> schemes();

    /** Its process and the live processes it started (forked children, helpers). */
    List<ProcessHandle> processes() {
        return process.processes();
    }

    /** The temporary directory holding its configuration and output. */
    Path directory() {
        return process.directory();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
