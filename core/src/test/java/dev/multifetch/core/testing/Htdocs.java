package dev.multifetch.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Generated documents for a server process's document root: each path gets a given number of
 * pseudo-random bytes seeded by the path, so a test can compute what it should receive with
 * {@link #content} instead of keeping the file.
 */
public final class Htdocs {

    private static final int CHUNK = 64 * 1024;

    private final Map<String, Integer> files = new LinkedHashMap<>();

    /** Adds a file at {@code path} (such as {@code /10m}, or {@code /a/b}) of {@code size} bytes. */
    public Htdocs file(String path, int size) {
        if (!path.startsWith("/") || path.contains("..") || path.endsWith("/")) {
            throw new IllegalArgumentException("document path must start with / and name a file: " + path);
        }
        if (size < 0) {
            throw new IllegalArgumentException("size < 0: " + size);
        }
        files.put(path, size);
        return this;
    }

    /** The size of the file at {@code path}. */
    public int size(String path) {
        Integer size = files.get(path);
        if (size == null) {
            throw new IllegalArgumentException("no document " + path + " among " + files.keySet());
        }
        return size;
    }

    /** The bytes of the file at {@code path}, as {@link #writeTo} writes them. */
    public byte[] content(String path) {
        return content(path, size(path));
    }

    /** The {@code size} bytes a document at {@code path} holds. */
    public static byte[] content(String path, int size) {
        byte[] bytes = new byte[size];
        Random random = new Random(path.hashCode());
        for (int offset = 0; offset < size; offset += CHUNK) {
            byte[] chunk = new byte[Math.min(CHUNK, size - offset)];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, bytes, offset, chunk.length);
        }
        return bytes;
    }

    /** Writes every file under {@code root}, creating directories as needed. */
    public void writeTo(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
        files.forEach((path, size) -> {
            Path file = root.resolve(path.substring(1));
            try {
                Files.createDirectories(file.getParent());
                try (OutputStream out = Files.newOutputStream(file)) {
                    Random random = new Random(path.hashCode());
                    byte[] chunk = new byte[CHUNK];
                    for (int left = size; left > 0; left -= CHUNK) {
                        random.nextBytes(chunk);
                        out.write(chunk, 0, Math.min(CHUNK, left));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        });
    }
}
