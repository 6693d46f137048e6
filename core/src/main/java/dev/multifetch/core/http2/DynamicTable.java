package dev.multifetch.core.http2;

/**
 * HPACK's dynamic table (RFC 7541 sections 2.3.2 and 4): the fields most recently added come
 * first, index 1 is the newest, and adding past the maximum size evicts the oldest. Held in a
 * ring buffer (a power-of-two array, grown by doubling), so adding and evicting move nothing.
 * Its entries take at most {@link #maxSize()} bytes as HPACK counts them, each at least 32, so it
 * never holds more than {@code maxSize / 32} entries. Not thread-safe: confined to the driving
 * thread, like the encoder or decoder that owns it.
 */
final class DynamicTable {

    private HeaderField[] ring = new HeaderField[8];
    private int oldest;
    private int length;
    private int size;
    private int maxSize;

    /** An empty table that may hold {@code maxSize} bytes. */
    DynamicTable(int maxSize) {
        this.maxSize = maxSize;
    }

    /** Number of entries. */
    int length() {
        return length;
    }

    /** Sum of the entries' sizes (name + value + 32 each). */
    int size() {
        return size;
    }

    /** The most bytes the entries may take. */
    int maxSize() {
        return maxSize;
    }

    /** The entry at {@code index}, from 1 (the newest) to {@link #length()}. */
    HeaderField get(int index) {
        if (index < 1 || index > length) {
            throw new IndexOutOfBoundsException("dynamic table index " + index + " of " + length + " entries");
        }
        return ring[(oldest + length - index) & (ring.length - 1)];
    }

    /**
     * Adds {@code field} as the newest entry, evicting the oldest until it fits. A field larger
     * than the maximum size empties the table and is not added (RFC 7541 section 4.4).
     */
    void add(HeaderField field) {
        int fieldSize = field.size();
        if (fieldSize > maxSize) {
            evictTo(0);
            return;
        }
        evictTo(maxSize - fieldSize);
        if (length == ring.length) {
            grow();
        }
        ring[(oldest + length) & (ring.length - 1)] = field;
        length++;
        size += fieldSize;
    }

    /** Changes the maximum size, evicting the oldest entries until the table fits. */
    void setMaxSize(int newMaxSize) {
        maxSize = newMaxSize;
        evictTo(newMaxSize);
    }

    /** The index of the newest entry {@code name: value}, or 0 (never an index) if none. */
    int indexOf(String name, String value) {
        for (int i = 1; i <= length; i++) {
            HeaderField field = get(i);
            if (field.name().equals(name) && field.value().equals(value)) {
                return i;
            }
        }
        return 0;
    }

    /** The index of the newest entry named {@code name}, or 0 (never an index) if none. */
    int indexOf(String name) {
        for (int i = 1; i <= length; i++) {
            if (get(i).name().equals(name)) {
                return i;
            }
        }
        return 0;
    }

    private void evictTo(int targetSize) {
        while (size > targetSize) {
            HeaderField evicted = ring[oldest];
            ring[oldest] = null;
            oldest = (oldest + 1) & (ring.length - 1);
            length--;
            size -= evicted.size();
        }
    }

    private void grow() {
        HeaderField[] bigger = new HeaderField[ring.length * 2];
        for (int i = 0; i < length; i++) {
            bigger[i] = ring[(oldest + i) & (ring.length - 1)];
        }
        ring = bigger;
        oldest = 0;
    }
}
