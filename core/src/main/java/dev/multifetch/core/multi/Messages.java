package dev.multifetch.core.multi;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.Message;
import java.util.ArrayDeque;

/**
 * The DONE messages of a multi handle, oldest first: one per transfer that ended, with its
 * result as it was then; a transfer removed before its message was read takes it along.
 * Driving thread only. libcurl: the message list of {@code curl_multi_info_read}.
 */
final class Messages {

    /** A DONE message as posted: the transfer and its result then. */
    private record Posted(Run run, FetchError result) {
    }

    private final ArrayDeque<Posted> queue = new ArrayDeque<>();

    void post(Run t) {
        queue.addLast(new Posted(t, t.result()));
        t.messageQueued = true;
    }

    /** The oldest message, or null. */
    Message read() {
        Posted p = queue.poll();
        if (p == null) {
            return null;
        }
        p.run().messageQueued = false;
        return new Message(p.run().transfer, p.result());
    }

    /** Drops the message of {@code t}, if one waits. */
    void drop(Run t) {
        if (t.messageQueued) {
            queue.removeIf(m -> m.run() == t);
            t.messageQueued = false;
        }
    }

    int size() {
        return queue.size();
    }

    void clear() {
        queue.clear();
    }
}
