package dev.multifetch.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A server binary run as a child process by a test, in a temporary directory of its own that
 * holds its configuration, logs and documents; its owner deletes it with {@link #deleteDirectory()}. Its stdout and
 * stderr go to files there ({@code stdout}, {@code stderr}), so nothing blocks on a full pipe.
 *
 * <p>External servers cannot report the port they bound, so each start picks a free loopback
 * port, and starts again on another one if the server exits saying the address is in use.
 */
final class ServerProcess implements AutoCloseable {

    /** How long a server is given to accept connections, and to exit when asked to. */
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 5;
    private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin");

    private final Process process;
    private final Path directory;
    private final int port;

    private ServerProcess(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /** A new temporary directory for one server: {@code multifetch-<name>-…}. */
    static Path newDirectory(String name) {
        try {
            return Files.createTempDirectory("multifetch-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for " + name, e);
        }
    }

    /** Whether the tests run as root: then servers that drop privileges must be told to whom. */
    static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * The executable called {@code name}, looked for in the system's sbin and bin directories and
     * then on PATH.
     *
     * @throws IllegalStateException naming the binary and its Debian package when it is nowhere
     */
    static Path binary(String name, String debianPackage) {
        List<String> directories = new ArrayList<>(SYSTEM_DIRECTORIES);
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(File.pathSeparator)));
        }
        return directories.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " not found in " + SYSTEM_DIRECTORIES
                        + " nor on PATH: install the " + debianPackage + " package (.ci/run does)"));
    }

    /**
     * Runs {@code commandForPort.apply(port)} in {@code directory} on a free loopback port and
     * returns once the port accepts connections.
     *
     * @throws IllegalStateException with the command and the tail of its stderr if the server exits
     *     early (other than for a port taken meanwhile) or does not listen within {@link #WAIT}
     */
    static ServerProcess start(Path directory, IntFunction<List<String>> commandForPort) {
        return start(directory, server -> server.stderr().contains("Address already in use"), commandForPort);
    }

    /**
     * As {@link #start(Path, IntFunction)}, for a server that says its port was taken otherwise than
     * with "Address already in use" on stderr: {@code portTaken} tells, from the exited server's
     * output, whether to try another port.
     */
    static ServerProcess start(Path directory, Predicate<ServerProcess> portTaken, IntFunction<List<String>> commandForPort) {
        try {
            return startOnFreePort(directory, portTaken, commandForPort);
        } catch (RuntimeException e) {
            delete(directory);
            throw e;
        }
    }

    private static ServerProcess startOnFreePort(Path directory, Predicate<ServerProcess> portTaken,
                                                 IntFunction<List<String>> commandForPort) {
        IllegalStateException lastTaken = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            int port = freePort();
            List<String> command = commandForPort.apply(port);
            ServerProcess server = launch(command, directory, port);
            try {
                server.awaitListening(command);
                return server;
            } catch (IllegalStateException e) {
                server.close();
                if (!portTaken.test(server)) {
                    throw e;
                }
                lastTaken = e;
            }
        }
        throw lastTaken;
    }

    /** Writes {@code text} to {@code file} as UTF-8, such as a configuration; returns the file. */
    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The port the server listens on. */
    int port() {
        return port;
    }

    /** The server's directory. */
    Path directory() {
        return directory;
    }

    /** What the server wrote to stderr so far. */
    String stderr() {
        return file("stderr");
    }

    /** What the server wrote to stdout so far. */
    String stdout() {
        return file("stdout");
    }

    /** What the server wrote so far to the file {@code name} in its directory, such as a log; empty if there is none. */
    String file(String name) {
        return read(directory.resolve(name));
    }

    /** The last lines of stderr, for failure messages. */
    String stderrTail() {
        List<String> lines = stderr().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /** The server's process and the live processes it started (forked workers, helpers), for checks that none outlives it. */
    List<ProcessHandle> processes() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
    }

    /**
     * Stops the server (SIGTERM, then SIGKILL if it lingers) and waits for it, then does the same
     * for any process it started that outlived it; the directory stays.
     */
    @Override
    public void close() {
        List<ProcessHandle> started = process.descendants().toList();
        stop(process.toHandle(), false);
        started.forEach(child -> stop(child, false));
    }

    /**
     * Kills the server and every process it started at once (SIGKILL) and waits for them: for
     * servers whose orderly shutdown takes seconds and saves nothing a test needs.
     */
    void kill() {
        List<ProcessHandle> tree = processes();
        tree.forEach(ProcessHandle::destroyForcibly);
        tree.forEach(p -> stop(p, true));
    }

    private static void stop(ProcessHandle process, boolean forcibly) {
        boolean asked = forcibly ? process.destroyForcibly() : process.destroy();
        if (asked && !exits(process)) {
            process.destroyForcibly();
            exits(process);
        }
    }

    /**
     * Whether {@code process} still runs: alive and not a zombie. A killed child of a killed server
     * is a zombie until init reaps it, which may take a second or two, yet it holds nothing more.
     */
    static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        String stat = read(Path.of("/proc", Long.toString(process.pid()), "stat"));
        // "pid (comm) S …": the state follows the last ')', as comm may hold one; no such file off Linux
        int state = stat.lastIndexOf(')') + 2;
        return state < 2 || state >= stat.length() ? process.isAlive() : stat.charAt(state) != 'Z';
    }

    /** Waits up to {@link Fetches#WAIT}, polling every 10 ms, for {@code process} to stop {@link #running}; true if it did. */
    private static boolean exits(ProcessHandle process) {
        try {
            Fetches.eventually().until(() -> !running(process));
            return true;
        } catch (ConditionTimeoutException lingers) {
            return false;
        }
    }

    /** Deletes the server's directory; call after {@link #close()}. */
    void deleteDirectory() {
        delete(directory);
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    private static ServerProcess launch(List<String> command, Path directory, int port) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectOutput(directory.resolve("stdout").toFile())
                    .redirectError(directory.resolve("stderr").toFile())
                    .start();
            return new ServerProcess(process, directory, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** Polls the port every 20 ms, waiting on the process's exit in between, until it accepts a connection. */
    private void awaitListening(List<String> command) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (System.nanoTime() - deadline < 0) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(command.get(0) + " exited with " + process.exitValue()
                            + " before listening on 127.0.0.1:" + port + "; command " + command + "; stderr:\n" + stderrTail());
                }
                if (accepts()) {
                    return;
                }
                process.waitFor(20, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException(command.get(0) + " did not listen on 127.0.0.1:" + port + " within " + WAIT
                + "; command " + command + "; stderr:\n" + stderrTail());
    }

    private boolean accepts() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
