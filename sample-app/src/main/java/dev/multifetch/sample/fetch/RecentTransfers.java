package dev.multifetch.sample.fetch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The last finished fetches of this service, newest last, for the dashboard. Thread-safe. */
public final class RecentTransfers {

    /**
     * One finished fetch.
     *
     * @param sequence increases by one per finished fetch
     * @param finishedAt when it finished, epoch milliseconds
     * @param status the target's status, or {@code null} when it failed
     * @param httpVersion the protocol of the target's response ({@code HTTP/2}, {@code HTTP/1.1}), or
     * {@code null} when it failed
     * @param error the error code, or {@code null} when it got a response
     * @param attempts attempts made: 1, plus one per retry
     */
    public record Finished(long sequence, long id, long finishedAt, String method, String url, Integer status,
            String httpVersion, String error, Long bodyBytes, Integer attempts, FetchResult.PhaseTimes timings) {
    }

    private final int capacity;
    private final Deque<Finished> finished = new ArrayDeque<>();
    private long sequence;

    public RecentTransfers(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(long id, String method, FetchResult result) {
        String error = (result.error() != null) ? result.error().code() : null;
        this.finished.addLast(new Finished(++this.sequence, id, System.currentTimeMillis(), method, result.url(),
                result.status(), result.httpVersion(), error, result.bodyBytes(), result.attempts(), result.timings()));
        if (this.finished.size() > this.capacity) {
            this.finished.removeFirst();
        }
    }

    /** The kept fetches up to and including {@code sequence}, oldest first. */
    public synchronized List<Finished> upTo(long sequence) {
        return this.finished.stream().filter((f) -> f.sequence() <= sequence).toList();
    }

    /** The kept fetches that finished after {@code sequence}, oldest first. */
    public synchronized List<Finished> after(long sequence) {
        List<Finished> newer = new ArrayList<>();
        for (Finished f : this.finished) {
            if (f.sequence() > sequence) {
                newer.add(f);
            }
        }
        return newer;
    }

    /** The sequence number of the last finished fetch, 0 before the first. */
    public synchronized long lastSequence() {
        return this.sequence;
    }
}
