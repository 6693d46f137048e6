package dev.multifetch.autoconfigure.observation;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

/**
 * Records where and when observations start, stop and hear events: a test that waits for a fetch
 * to complete waits here for its observation to stop (which happens just after the future
 * completes), and can tell on which thread it stopped.
 */
final class ObservationLog implements ObservationHandler<Observation.Context> {

    /** One signal to one observation. */
    record Entry(String signal, Observation.Context context, String detail, String thread) {
    }

    private final Queue<Entry> entries = new ConcurrentLinkedQueue<>();

    @Override
    public void onStart(Observation.Context context) {
        add("start", context, null);
    }

    @Override
    public void onStop(Observation.Context context) {
        add("stop", context, null);
    }

    @Override
    public void onEvent(Observation.Event event, Observation.Context context) {
        add("event", context, event.getContextualName());
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return true;
    }

    private void add(String signal, Observation.Context context, String detail) {
        this.entries.add(new Entry(signal, context, detail, Thread.currentThread().getName()));
    }

    /** The signals {@code signal} to observations named {@code name}, in order. */
    List<Entry> of(String signal, String name) {
        return this.entries.stream()
            .filter((e) -> e.signal().equals(signal) && name.equals(e.context().getName()))
            .toList();
    }

    /** How many observations named {@code name} have stopped. */
    int stopped(String name) {
        return of("stop", name).size();
    }
}
