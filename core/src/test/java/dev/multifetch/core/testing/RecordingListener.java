package dev.multifetch.core.testing;

import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Transfer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link FetchListener} that records every event, in order, with the URL of its transfer and
 * its arguments, so a test can assert the sequence one transfer went through. Thread-safe: the
 * engine calls it on the selector thread while the test reads it. A hook may run after each
 * event is recorded; if it throws, the listener throws, as a faulty user listener would.
 */
public final class RecordingListener implements FetchListener {

    /** One event: the URL of its transfer, the listener method's name, and the other arguments. */
    public record Event(String url, String name, List<Object> args) {

        /** The argument at {@code index} (after the transfer). */
        public Object arg(int index) {
            return args.get(index);
        }

        @Override
        public String toString() {
            return name + args + " " + url;
        }
    }

    private final List<Event> events = new ArrayList<>();
    private volatile Consumer<Event> hook = event -> { };

    /** Runs {@code hook} after each event is recorded, on the engine's thread. */
    public RecordingListener onEvent(Consumer<Event> hook) {
        this.hook = Objects.requireNonNull(hook, "hook");
        return this;
    }

    /** Every event so far. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The events of the transfer for {@code url}. */
    public synchronized List<Event> eventsFor(String url) {
        return events.stream().filter(e -> e.url().equals(url)).toList();
    }

    /** The names of the events of the transfer for {@code url}, in order. */
    public List<String> namesFor(String url) {
        return eventsFor(url).stream().map(Event::name).toList();
    }

    /** The first event called {@code name} of the transfer for {@code url}. */
    public Event first(String url, String name) {
        return eventsFor(url).stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " event for " + url + " in " + events()));
    }

    /** Whether the transfer for {@code url} has ended (transferDone or transferFailed was heard). */
    public boolean ended(String url) {
        return namesFor(url).stream().anyMatch(n -> n.equals("transferDone") || n.equals("transferFailed"));
    }

    private void record(Transfer transfer, String name, Object... args) {
        Event event = new Event(transfer.request().url(), name, List.of(args));
        synchronized (this) {
            events.add(event);
        }
        hook.accept(event);
    }

    @Override
    public void transferQueued(Transfer transfer) {
        record(transfer, "transferQueued");
    }

    @Override
    public void transferDequeued(Transfer transfer, long queuedNanos) {
        record(transfer, "transferDequeued", queuedNanos);
    }

    @Override
    public void dnsStart(Transfer transfer, String host) {
        record(transfer, "dnsStart", host);
    }

    @Override
    public void dnsEnd(Transfer transfer, String host, List<InetAddress> addresses) {
        record(transfer, "dnsEnd", host, List.copyOf(addresses));
    }

    @Override
    public void dnsFailed(Transfer transfer, String host, Exception cause) {
        record(transfer, "dnsFailed", host, cause);
    }

    @Override
    public void connectStart(Transfer transfer, InetSocketAddress address) {
        record(transfer, "connectStart", address);
    }

    @Override
    public void connectEnd(Transfer transfer, InetSocketAddress address) {
        record(transfer, "connectEnd", address);
    }

    @Override
    public void connectFailed(Transfer transfer, InetSocketAddress address, Exception cause) {
        record(transfer, "connectFailed", address, cause);
    }

    @Override
    public void connectionAcquired(Transfer transfer, long connectionId, boolean reused) {
        record(transfer, "connectionAcquired", connectionId, reused);
    }

    @Override
    public void connectionReleased(Transfer transfer, long connectionId, boolean kept) {
        record(transfer, "connectionReleased", connectionId, kept);
    }

    @Override
    public void requestSent(Transfer transfer, long bytes) {
        record(transfer, "requestSent", bytes);
    }

    @Override
    public void responseHeaders(Transfer transfer, int status) {
        record(transfer, "responseHeaders", status);
    }

    @Override
    public void responseBodyEnd(Transfer transfer, long bytes) {
        record(transfer, "responseBodyEnd", bytes);
    }

    @Override
    public void transferDone(Transfer transfer, FetchResponse response) {
        record(transfer, "transferDone", response.status());
    }

    @Override
    public void transferFailed(Transfer transfer, FetchException failure) {
        record(transfer, "transferFailed", failure.error());
    }
}
