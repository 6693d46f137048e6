package dev.multifetch.core.timer;

import java.util.Arrays;

/**
 * Deadlines of many owners, earliest first. Most deadlines are "now plus a fixed timeout", so
 * each one set is later than the last of its kind: such a deadline is appended to one of a few
 * sorted lanes (linked lists) in O(1) and cancelled in O(1). Any other goes into a binary
 * min-heap (one array, O(log n)). The earliest is the least of the lane heads and the heap top.
 * Deadlines due at the same time come out in the order they were set; no operation allocates
 * once a handle exists. Each owner keeps the {@link Expiry} handles it set. Not thread-safe:
 * confined to the driving thread of its multi handle.
 *
 * <p>libcurl: the splay tree of per-transfer expiries ({@code lib/splay.c}, {@code Curl_expire}).
 *
 * @param <T> the owner of a deadline
 */
public final class TimerQueue<T> {

    private static final int LANES = 4;

    @SuppressWarnings("unchecked")
    private Expiry<T>[] heap = new Expiry[64];
    private int size;
    @SuppressWarnings("unchecked")
    private final Expiry<T>[] laneHead = new Expiry[LANES];
    @SuppressWarnings("unchecked")
    private final Expiry<T>[] laneTail = new Expiry[LANES];
    private int inLanes;
    private long sequence;

    /** Sets a new deadline at {@code atNanos} for {@code owner}; returns its handle for {@link #cancel}. */
    public Expiry<T> schedule(T owner, int id, long atNanos) {
        return schedule(null, owner, id, atNanos);
    }

    /**
     * Sets a deadline at {@code atNanos}, reusing {@code handle} (queued, fired or cancelled; or
     * null for a new one) when it belongs to the same owner and id. Returns the handle now queued.
     */
    public Expiry<T> schedule(Expiry<T> handle, T owner, int id, long atNanos) {
        cancel(handle);
        if (handle == null || handle.owner != owner || handle.id != id) {
            handle = new Expiry<>(owner, id);
        }
        handle.atNanos = atNanos;
        handle.sequence = sequence++;
        if (!toLane(handle)) {
            push(handle);
        }
        return handle;
    }

    /** Appends to the lane whose last deadline is the latest not after this one (or to an empty lane). */
    private boolean toLane(Expiry<T> e) {
        int best = -1;
        int empty = -1;
        for (int l = 0; l < LANES; l++) {
            Expiry<T> tail = laneTail[l];
            if (tail == null) {
                empty = empty < 0 ? l : empty;
            } else if (tail.before(e) && (best < 0 || laneTail[best].before(tail))) {
                best = l;
            }
        }
        int lane = best >= 0 ? best : empty;
        if (lane < 0) {
            return false;
        }
        e.lane = lane;
        e.previous = laneTail[lane];
        if (laneTail[lane] == null) {
            laneHead[lane] = e;
        } else {
            laneTail[lane].next = e;
        }
        laneTail[lane] = e;
        inLanes++;
        return true;
    }

    private void push(Expiry<T> handle) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = handle;
        handle.index = size;
        size++;
        siftUp(size - 1);
    }

    /** Cancels a deadline; {@code null}, a fired or a cancelled handle is ignored. */
    public void cancel(Expiry<T> expiry) {
        if (expiry == null) {
            return;
        }
        if (expiry.lane >= 0) {
            unlink(expiry);
            return;
        }
        if (expiry.index < 0) {
            return;
        }
        int at = expiry.index;
        expiry.index = -1;
        size--;
        Expiry<T> last = heap[size];
        heap[size] = null;
        if (at < size) {
            heap[at] = last;
            last.index = at;
            siftDown(at);
            if (last.index == at) {
                siftUp(at);
            }
        }
    }

    private void unlink(Expiry<T> e) {
        int lane = e.lane;
        if (e.previous == null) {
            laneHead[lane] = e.next;
        } else {
            e.previous.next = e.next;
        }
        if (e.next == null) {
            laneTail[lane] = e.previous;
        } else {
            e.next.previous = e.previous;
        }
        e.previous = null;
        e.next = null;
        e.lane = -1;
        inLanes--;
    }

    /** The earliest deadline, or {@code null} when none is set. */
    public Expiry<T> earliest() {
        Expiry<T> first = size == 0 ? null : heap[0];
        for (int l = 0; l < LANES; l++) {
            Expiry<T> head = laneHead[l];
            if (head != null && (first == null || head.before(first))) {
                first = head;
            }
        }
        return first;
    }

    /** Removes and returns the earliest deadline if it is due at {@code nowNanos}, else {@code null}. */
    public Expiry<T> pollExpired(long nowNanos) {
        Expiry<T> first = earliest();
        if (first == null || first.atNanos - nowNanos > 0) {
            return null;
        }
        cancel(first);
        return first;
    }

    /** The number of deadlines set. */
    public int size() {
        return size + inLanes;
    }

    private void siftUp(int at) {
        Expiry<T> e = heap[at];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            Expiry<T> p = heap[parent];
            if (!e.before(p)) {
                break;
            }
            heap[at] = p;
            p.index = at;
            at = parent;
        }
        heap[at] = e;
        e.index = at;
    }

    private void siftDown(int at) {
        Expiry<T> e = heap[at];
        int half = size >>> 1;
        while (at < half) {
            int child = 2 * at + 1;
            Expiry<T> c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].before(c)) {
                child = right;
                c = heap[right];
            }
            if (!c.before(e)) {
                break;
            }
            heap[at] = c;
            c.index = at;
            at = child;
        }
        heap[at] = e;
        e.index = at;
    }

    /** One deadline: its owner, the owner's id for it, and when it is due. */
    public static final class Expiry<T> {

        private final T owner;
        private final int id;
        private long atNanos;
        private long sequence;
        private int index = -1;
        private int lane = -1;
        private Expiry<T> previous;
        private Expiry<T> next;

        private Expiry(T owner, int id) {
            this.owner = owner;
            this.id = id;
        }

        /** Whose deadline it is. */
        public T owner() {
            return owner;
        }

        /** Which of the owner's deadlines it is. */
        public int id() {
            return id;
        }

        /** When it is (or was) due, on the multi handle's clock. */
        public long atNanos() {
            return atNanos;
        }

        /** Whether it is waiting in a queue (not yet fired nor cancelled). */
        public boolean queued() {
            return index >= 0 || lane >= 0;
        }

        private boolean before(Expiry<T> other) {
            long byTime = atNanos - other.atNanos;
            return byTime != 0 ? byTime < 0 : sequence < other.sequence;
        }

        @Override
        public String toString() {
            return "Expiry[" + owner + " #" + id + " at " + atNanos + "]";
        }
    }
}
