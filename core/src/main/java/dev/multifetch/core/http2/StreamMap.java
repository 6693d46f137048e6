package dev.multifetch.core.http2;

import java.util.ArrayList;
import java.util.List;

/**
 * The open streams of a connection by id: open addressing over a power-of-two table with linear
 * probing and backward-shift deletion, so a lookup per frame neither boxes the id nor allocates.
 * Confined to the connection's thread.
 */
final class StreamMap {

    private Http2Stream[] slots = new Http2Stream[16];
    private int size;

    int size() {
        return size;
    }

    Http2Stream get(int id) {
        int mask = slots.length - 1;
        for (int i = index(id, mask); ; i = (i + 1) & mask) {
            Http2Stream s = slots[i];
            if (s == null || s.id == id) {
                return s;
            }
        }
    }

    void put(Http2Stream stream) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        insert(slots, stream);
        size++;
    }

    void remove(int id) {
        int mask = slots.length - 1;
        int i = index(id, mask);
        while (slots[i] != null && slots[i].id != id) {
            i = (i + 1) & mask;
        }
        if (slots[i] == null) {
            return;
        }
        slots[i] = null;
        size--;
        // shift back the entries after the hole that probed past it
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int home = index(slots[j].id, mask);
            boolean movable = i <= j ? home <= i || home > j : home <= i && home > j;
            if (movable) {
                slots[i] = slots[j];
                slots[j] = null;
                i = j;
            }
        }
    }

    /** A copy of the open streams, safe to iterate while streams close. */
    List<Http2Stream> snapshot() {
        List<Http2Stream> all = new ArrayList<>(size);
        for (Http2Stream s : slots) {
            if (s != null) {
                all.add(s);
            }
        }
        return all;
    }

    private void grow() {
        Http2Stream[] bigger = new Http2Stream[slots.length * 2];
        for (Http2Stream s : slots) {
            if (s != null) {
                insert(bigger, s);
            }
        }
        slots = bigger;
    }

    private static void insert(Http2Stream[] table, Http2Stream stream) {
        int mask = table.length - 1;
        int i = index(stream.id, mask);
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = stream;
    }

    private static int index(int id, int mask) {
        // client stream ids are odd: drop the constant bit, then spread
        int h = (id >>> 1) * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
