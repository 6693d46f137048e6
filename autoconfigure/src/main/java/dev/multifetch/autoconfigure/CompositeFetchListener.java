package dev.multifetch.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Transfer;

/**
 * Tells every one of several {@link FetchListener}s of each event, in order, since a multi handle
 * takes one listener. Each listener hears every event even when one before it throws; the first
 * exception is then rethrown (the others suppressed), so the engine treats it as that listener's
 * failure. Called on the selector thread, like the listeners it holds.
 */
final class CompositeFetchListener implements FetchListener {

    private final List<FetchListener> listeners;

    private CompositeFetchListener(List<FetchListener> listeners) {
        this.listeners = listeners;
    }

    /** One listener for {@code listeners}: {@link FetchListener#NONE}, the only one, or a composite. */
    static FetchListener of(List<FetchListener> listeners) {
        return switch (listeners.size()) {
            case 0 -> FetchListener.NONE;
            case 1 -> listeners.get(0);
            default -> new CompositeFetchListener(List.copyOf(listeners));
        };
    }

    private void each(Consumer<FetchListener> event) {
        RuntimeException failure = null;
        for (FetchListener listener : this.listeners) {
            try {
                event.accept(listener);
            }
            catch (RuntimeException ex) {
                if (failure == null) {
                    failure = ex;
                }
                else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void transferQueued(Transfer transfer) {
        each((l) -> l.transferQueued(transfer));
    }

    @Override
    public void transferDequeued(Transfer transfer, long queuedNanos) {
        each((l) -> l.transferDequeued(transfer, queuedNanos));
    }

    @Override
    public void dnsStart(Transfer transfer, String host) {
        each((l) -> l.dnsStart(transfer, host));
    }

    @Override
    public void dnsEnd(Transfer transfer, String host, List<InetAddress> addresses) {
        each((l) -> l.dnsEnd(transfer, host, addresses));
    }

    @Override
    public void dnsFailed(Transfer transfer, String host, Exception cause) {
        each((l) -> l.dnsFailed(transfer, host, cause));
    }

    @Override
    public void connectStart(Transfer transfer, InetSocketAddress address) {
        each((l) -> l.connectStart(transfer, address));
    }

    @Override
    public void connectEnd(Transfer transfer, InetSocketAddress address) {
        each((l) -> l.connectEnd(transfer, address));
    }

    @Override
    public void connectFailed(Transfer transfer, InetSocketAddress address, Exception cause) {
        each((l) -> l.connectFailed(transfer, address, cause));
    }

    @Override
    public void tlsStart(Transfer transfer) {
        each((l) -> l.tlsStart(transfer));
    }

    @Override
    public void tlsEnd(Transfer transfer, String protocol, String cipherSuite) {
        each((l) -> l.tlsEnd(transfer, protocol, cipherSuite));
    }

    @Override
    public void tlsFailed(Transfer transfer, Exception cause) {
        each((l) -> l.tlsFailed(transfer, cause));
    }

    @Override
    public void proxyHandshakeStart(Transfer transfer, String proxy) {
        each((l) -> l.proxyHandshakeStart(transfer, proxy));
    }

    @Override
    public void proxyHandshakeEnd(Transfer transfer, String proxy, int connectCode) {
        each((l) -> l.proxyHandshakeEnd(transfer, proxy, connectCode));
    }

    @Override
    public void proxyHandshakeFailed(Transfer transfer, String proxy, Exception cause) {
        each((l) -> l.proxyHandshakeFailed(transfer, proxy, cause));
    }

    @Override
    public void connectionAcquired(Transfer transfer, long connectionId, boolean reused) {
        each((l) -> l.connectionAcquired(transfer, connectionId, reused));
    }

    @Override
    public void connectionReleased(Transfer transfer, long connectionId, boolean kept) {
        each((l) -> l.connectionReleased(transfer, connectionId, kept));
    }

    @Override
    public void http2ConnectionOpened(long connectionId) {
        each((l) -> l.http2ConnectionOpened(connectionId));
    }

    @Override
    public void http2ConnectionClosed(long connectionId) {
        each((l) -> l.http2ConnectionClosed(connectionId));
    }

    @Override
    public void streamOpened(Transfer transfer, long connectionId, int streamId) {
        each((l) -> l.streamOpened(transfer, connectionId, streamId));
    }

    @Override
    public void streamClosed(Transfer transfer, long connectionId, int streamId, long errorCode) {
        each((l) -> l.streamClosed(transfer, connectionId, streamId, errorCode));
    }

    @Override
    public void goawayReceived(long connectionId, long errorCode, int lastStreamId) {
        each((l) -> l.goawayReceived(connectionId, errorCode, lastStreamId));
    }

    @Override
    public void streamReplayed(Transfer transfer, long errorCode) {
        each((l) -> l.streamReplayed(transfer, errorCode));
    }

    @Override
    public void flowControlStalled(Transfer transfer, int streamId) {
        each((l) -> l.flowControlStalled(transfer, streamId));
    }

    @Override
    public void requestSent(Transfer transfer, long bytes) {
        each((l) -> l.requestSent(transfer, bytes));
    }

    @Override
    public void responseHeaders(Transfer transfer, int status) {
        each((l) -> l.responseHeaders(transfer, status));
    }

    @Override
    public void responseBodyEnd(Transfer transfer, long bytes) {
        each((l) -> l.responseBodyEnd(transfer, bytes));
    }

    @Override
    public void retryScheduled(Transfer transfer, int attempt, long delayNanos, String reason) {
        each((l) -> l.retryScheduled(transfer, attempt, delayNanos, reason));
    }

    @Override
    public void hostBlocked(String key, long nanos) {
        each((l) -> l.hostBlocked(key, nanos));
    }

    @Override
    public void transferDone(Transfer transfer, FetchResponse response) {
        each((l) -> l.transferDone(transfer, response));
    }

    @Override
    public void transferFailed(Transfer transfer, FetchException failure) {
        each((l) -> l.transferFailed(transfer, failure));
    }
}
