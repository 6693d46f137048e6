package dev.multifetch.autoconfigure.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.kafka.support.Acknowledgment;

/**
 * The jobs of one partition that a worker took and has not committed, in offset order. Jobs end
 * in any order, but an offset is committed only once every job before it in the partition has
 * ended: {@link #completed} acknowledges the highest such offset (which commits everything up to
 * it), and nothing while an earlier job is still running. After
 * {@link #close} (the partition was revoked or lost) nothing is acknowledged any more: the next
 * owner starts again from the last commit. Thread-safe: jobs end on any thread.
 */
final class PartitionLedger {

    private final TreeMap<Long, Entry> uncommitted = new TreeMap<>();
    private int running;
    private long lastStartNanos;
    private boolean closed;

    /**
     * A job at {@code offset} was taken; {@code ack} commits up to it, {@code cancel} stops it.
     * False once closed.
     */
    synchronized boolean received(long offset, Acknowledgment ack, Runnable cancel, long nowNanos) {
        if (this.closed) {
            return false;
        }
        this.uncommitted.put(offset, new Entry(ack, cancel));
        this.running++;
        this.lastStartNanos = nowNanos;
        return true;
    }

    /**
     * The job at {@code offset} ended (its result is durable): acknowledges the longest run of
     * ended jobs from the start (which commits up to its last), if it grew. The acknowledgment is
     * made before a drain waiting in {@link #awaitIdle} can see the job ended, so the container's
     * commit on revocation includes it. False when there was nothing new to commit (an earlier job
     * runs, or the ledger is closed).
     */
    synchronized boolean completed(long offset) {
        Entry entry = this.uncommitted.get(offset);
        if (this.closed || entry == null || entry.done) {
            return false;
        }
        entry.done = true;
        this.running--;
        Acknowledgment last = null;
        while (!this.uncommitted.isEmpty() && this.uncommitted.firstEntry().getValue().done) {
            last = this.uncommitted.pollFirstEntry().getValue().ack;
        }
        if (last != null) {
            last.acknowledge();
        }
        if (this.running == 0) {
            notifyAll();
        }
        return last != null;
    }

    /** Jobs taken and not ended. */
    synchronized int running() {
        return this.running;
    }

    /** Jobs taken and not committed: those a crash now would have done again. */
    synchronized int uncommitted() {
        return this.uncommitted.size();
    }

    /** When the last job was taken, on the {@code System.nanoTime} scale. */
    synchronized long lastStartNanos() {
        return this.lastStartNanos;
    }

    /** Waits until no job runs, or until {@code deadlineNanos}; true when none runs. */
    synchronized boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        long left;
        while (this.running > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
        return this.running == 0;
    }

    /** Stops acknowledging; answers how to cancel the jobs still running. */
    synchronized List<Runnable> close() {
        this.closed = true;
        notifyAll();
        List<Runnable> cancels = new ArrayList<>();
        this.uncommitted.values().stream().filter((entry) -> !entry.done).forEach((entry) -> cancels.add(entry.cancel));
        return cancels;
    }

    /** Offsets taken and not committed, with whether each job ended; for tests and logs. */
    synchronized Map<Long, Boolean> snapshot() {
        Map<Long, Boolean> copy = new TreeMap<>();
        this.uncommitted.forEach((offset, entry) -> copy.put(offset, entry.done));
        return copy;
    }

    private static final class Entry {

        final Acknowledgment ack;
        final Runnable cancel;
        boolean done;

        Entry(Acknowledgment ack, Runnable cancel) {
            this.ack = ack;
            this.cancel = cancel;
        }
    }
}
