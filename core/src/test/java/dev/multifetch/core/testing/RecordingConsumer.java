package dev.multifetch.core.testing;

import dev.multifetch.core.BodyConsumer;
import dev.multifetch.core.Headers;
import dev.multifetch.core.TransferControl;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link BodyConsumer} that records what the engine gave it: the status of each
 * {@code onStart}, every body byte in order, how many {@code onData} calls came while it had
 * asked for a pause, and the {@code onComplete} and {@code onAbort} calls. It can pause once,
 * when it has received a given number of bytes, and be resumed from the test thread. Thread-safe: the engine
 * calls it on the selector thread while the test reads it.
 */
public final class RecordingConsumer implements BodyConsumer {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Integer> starts = new ArrayList<>();
    private long pauseAt = Long.MAX_VALUE;
    private TransferControl control;
    private boolean paused;
    private int pauses;
    private int callsWhilePaused;
    private int completes;
    private int aborts;

    /** Pauses (once) at the first {@code onData} call after which it holds at least {@code bytes} bytes. */
    public synchronized RecordingConsumer pauseOnceAt(long bytes) {
        this.pauseAt = bytes;
        return this;
    }

    @Override
    public synchronized void onStart(int status, Headers headers, TransferControl control) {
        starts.add(status);
        this.control = control;
    }

    @Override
    public synchronized boolean onData(ByteBuffer data) {
        if (paused) {
            callsWhilePaused++;
        }
        byte[] piece = new byte[data.remaining()];
        data.get(piece);
        bytes.writeBytes(piece);
        if (!paused && pauses == 0 && bytes.size() >= pauseAt) {
            paused = true;
            pauses++;
        }
        return !paused;
    }

    @Override
    public synchronized void onComplete() {
        completes++;
    }

    @Override
    public synchronized void onAbort() {
        aborts++;
    }

    /** Resumes the transfer from the calling thread; the consumer stops counting calls as "while paused". */
    public void resume() {
        TransferControl c;
        synchronized (this) {
            paused = false;
            c = control;
        }
        c.resume();
    }

    public synchronized boolean paused() {
        return paused;
    }

    /** How many times this consumer asked for a pause. */
    public synchronized int pauses() {
        return pauses;
    }

    /** {@code onData} calls that came after this consumer returned false and before it resumed. */
    public synchronized int callsWhilePaused() {
        return callsWhilePaused;
    }

    public synchronized byte[] bytes() {
        return bytes.toByteArray();
    }

    public synchronized long received() {
        return bytes.size();
    }

    /** The status of every {@code onStart} call, in order. */
    public synchronized List<Integer> starts() {
        return List.copyOf(starts);
    }

    public synchronized int completes() {
        return completes;
    }

    public synchronized int aborts() {
        return aborts;
    }
}
