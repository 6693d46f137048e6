package dev.multifetch.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts this JVM's open file descriptors from {@code /proc/self/fd} (Linux only), so a test can
 * take a baseline and assert that no socket outlives it. Sockets are the descriptors whose link
 * target reads {@code socket:[inode]}. The descriptor used to list the directory is not counted.
 *
 * <p>The JDK opens a few descriptors once per JVM on first network use and keeps them (NIO's
 * pre-close socket pair among them), so this class does one loopback connect and one selector
 * open when it loads: a baseline taken through it already includes them.
 */
public final class OpenFiles {

    private static final Path FD_DIR = Paths.get("/proc/self/fd");

    static {
        warmUpJdkNetworking();
    }

    private OpenFiles() {
    }

    /** Whether this platform exposes {@code /proc/self/fd}. */
    public static boolean supported() {
        return Files.isDirectory(FD_DIR);
    }

    /** How many file descriptors this JVM has open. */
    public static int count() {
        return targets().size();
    }

    /** How many of this JVM's open file descriptors are sockets (TCP, UDP or Unix). */
    public static int sockets() {
        return socketTargets().size();
    }

    /** The link targets of this JVM's open sockets, such as {@code socket:[12345]}, for failure messages. */
    public static List<String> socketTargets() {
        return targets().stream().filter(t -> t.startsWith("socket:")).toList();
    }

    /** The link target of every open descriptor, such as {@code socket:[12345]} or a file path. */
    public static List<String> targets() {
        if (!supported()) {
            throw new UnsupportedOperationException("no " + FD_DIR + " on this platform");
        }
        List<String> targets = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FD_DIR)) {
            for (Path fd : fds) {
                String target = readLink(fd);
                if (target != null && !isThisListing(target)) {
                    targets.add(target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + FD_DIR, e);
        }
        return targets;
    }

    private static void warmUpJdkNetworking() {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(loopback);
             SocketChannel client = SocketChannel.open(listener.getLocalAddress());
             SocketChannel accepted = listener.accept();
             Selector selector = Selector.open()) {
            selector.selectNow();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot warm up loopback networking", e);
        }
    }

    /** The link target, or null when the descriptor closed while we listed the directory. */
    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException closedMeanwhile) {
            return null;
        }
    }

    /** The directory stream's own descriptor points at {@code /proc/<pid>/fd}. */
    private static boolean isThisListing(String target) {
        return target.startsWith("/proc/") && target.endsWith("/fd");
    }
}
