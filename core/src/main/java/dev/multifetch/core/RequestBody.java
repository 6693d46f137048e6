package dev.multifetch.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a request sends as its body: bytes, text, a file, or a stream. A body of unknown length
 * is sent with chunked transfer coding. Streams and files are read on the engine's worker
 * threads, never on the selector thread, one chunk at a time (no unbounded buffering). A body
 * can be sent again (for a redirect that keeps it, or a retry) when its source can be reopened.
 */
public final class RequestBody {

    private final byte[] bytes;
    private final Supplier<InputStream> source;
    private final long length;

    private RequestBody(byte[] bytes, Supplier<InputStream> source, long length) {
        this.bytes = bytes;
        this.source = source;
        this.length = length;
    }

    /** A body of these bytes (not copied: do not change them). */
    public static RequestBody of(byte[] bytes) {
        return new RequestBody(Objects.requireNonNull(bytes, "bytes"), null, bytes.length);
    }

    /** A body of the UTF-8 bytes of {@code text}. */
    public static RequestBody of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A body read from {@code file}; its length is taken now. */
    public static RequestBody ofFile(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body file " + file, e);
        }
        return new RequestBody(null, () -> {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the request body file " + file, e);
            }
        }, size);
    }

    /**
     * A body read from the streams {@code source} opens (called again if the body must be
     * resent), of {@code length} bytes, or -1 if unknown (then sent chunked).
     */
    public static RequestBody ofStream(Supplier<InputStream> source, long length) {
        if (length < -1) {
            throw new IllegalArgumentException("length < -1: " + length);
        }
        return new RequestBody(null, Objects.requireNonNull(source, "source"), length);
    }

    /** The length in bytes, or -1 when unknown (chunked). */
    public long length() {
        return length;
    }

    /** The bytes of an in-memory body; {@code null} for a file or stream. */
    public byte[] bytes() {
        return bytes;
    }

    /** Opens the stream of a file or stream body; {@code null} for an in-memory body. */
    public InputStream open() {
        return source == null ? null : source.get();
    }
}
