package dev.multifetch.core.http2;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable byte array that frames and header blocks are written into, reused from one write
 * to the next. Not thread-safe: confined to the driving thread like the connection that owns it.
 */
public final class ByteOutput {

    private byte[] bytes;
    private int size;

    /** An output with room for {@code initialCapacity} bytes before it grows. */
    public ByteOutput(int initialCapacity) {
        this.bytes = new byte[Math.max(16, initialCapacity)];
    }

    /** Appends one byte (the low 8 bits of {@code b}). */
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    /** Appends {@code length} bytes of {@code src} from {@code offset}. */
    public void write(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, bytes, size, length);
        size += length;
    }

    /** Appends the remaining bytes of {@code src}, leaving its position at its limit. */
    public void write(ByteBuffer src) {
        int length = src.remaining();
        ensure(length);
        src.get(bytes, size, length);
        size += length;
    }

    /** Bytes written since the last {@link #reset()}. */
    public int size() {
        return size;
    }

    /** The backing array; bytes {@code 0..size()-1} are the content. */
    public byte[] array() {
        return bytes;
    }

    /** Overwrites the byte at {@code index} (below {@link #size()}), for lengths known only later. */
    public void set(int index, int b) {
        if (index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " >= size " + size);
        }
        bytes[index] = (byte) b;
    }

    /** Forgets the content and keeps the array. */
    public void reset() {
        size = 0;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
