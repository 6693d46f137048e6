package dev.multifetch.sample.fetch;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

import dev.multifetch.core.BodyConsumer;
import dev.multifetch.core.Headers;
import dev.multifetch.core.TransferControl;

/**
 * Takes a response body as the engine delivers it: counts and hashes every byte, and keeps only
 * the first {@code keepLimit} of them for the answer, so a large body costs no more memory than
 * the return limit. Called on the selector thread; it never blocks. The counts are read by other
 * threads while the transfer runs ({@link #delivered()}), the rest after its future completed.
 */
final class BodyCapture implements BodyConsumer {

    private final int keepLimit;
    private final MessageDigest sha256;
    private byte[] kept = new byte[0];
    private int keptLength;
    private volatile long delivered;

    BodyCapture(int keepLimit) {
        this.keepLimit = keepLimit;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }

    @Override
    public void onStart(int status, Headers headers, TransferControl control) {
        // a retried exchange starts over
        this.sha256.reset();
        this.keptLength = 0;
        this.delivered = 0;
    }

    @Override
    public boolean onData(ByteBuffer data) {
        int length = data.remaining();
        int keep = (int) Math.min(length, this.keepLimit - (long) this.keptLength);
        if (keep > 0) {
            ensureCapacity(this.keptLength + keep);
            data.duplicate().get(this.kept, this.keptLength, keep);
            this.keptLength += keep;
        }
        this.sha256.update(data);
        this.delivered += length;
        return true;
    }

    private void ensureCapacity(int needed) {
        if (needed > this.kept.length) {
            this.kept = Arrays.copyOf(this.kept, Math.min(this.keepLimit, Math.max(needed, this.kept.length * 2)));
        }
    }

    /** Body bytes delivered so far (decoded). */
    long delivered() {
        return this.delivered;
    }

    /** The SHA-256 of the whole body, in lower-case hex; call once, after the body ended. */
    String sha256Hex() {
        return HexFormat.of().formatHex(this.sha256.digest());
    }

    /** The first bytes of the body, at most the keep limit. */
    byte[] kept() {
        return Arrays.copyOf(this.kept, this.keptLength);
    }

    /** Whether the body was longer than what was kept. */
    boolean truncated() {
        return this.delivered > this.keptLength;
    }
}
