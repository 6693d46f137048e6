package dev.multifetch.core.multi;

import dev.multifetch.core.BodyConsumer;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.HeaderListener;
import dev.multifetch.core.Headers;
import dev.multifetch.core.http1.BodyCollector;
import dev.multifetch.core.http1.BodySink;
import dev.multifetch.core.http1.ContentDecoder;
import dev.multifetch.core.http1.HttpException;
import dev.multifetch.core.http1.Redirects;
import dev.multifetch.core.http1.ResponseParser;
import java.nio.ByteBuffer;

/**
 * What one hop of a transfer does with each response head: tell the header listener, release a
 * body held for {@code 100 Continue}, recognise a redirect to follow (its body is read and
 * dropped, whatever its size), and otherwise build the body's sink chain: content decoding (when asked for), the
 * size limit on decoded bytes, then the user's consumer or the in-memory collector.
 * Driving thread only.
 */
final class ResponseEvents implements ResponseParser.Events {

    private final Run t;
    private final TransferRunner runner;
    private final long maxBody;

    ResponseEvents(Run t, TransferRunner runner, long maxBody) {
        this.t = t;
        this.runner = runner;
        this.maxBody = maxBody;
    }

    @Override
    public void interim(int status, String version, Headers headers) throws HttpException {
        notifyHeaders(status, version, headers, true);
        if (status == 100 && t.bodyHeld) {
            t.bodyHeld = false;
        }
    }

    @Override
    public BodySink finalHead(int status, String version, Headers headers, long contentLength) throws HttpException {
        notifyHeaders(status, version, headers, false);
        runner.listen(t, l -> l.responseHeaders(t.transfer, status));
        if (t.bodyHeld) {
            // the server answered without waiting for the body: it is never sent, so the connection cannot carry another request
            t.bodyHeld = false;
            t.bodyAbandoned = true;
        }
        String location = Redirects.location(status, headers.all("Location"));
        if (status == 417 && t.hop.expectContinue() && t.bodyAbandoned && !t.expectRetried) {
            t.retryWithoutExpect = true;
            return BodySink.DISCARD;
        }
        if (t.hop.followRedirects() && Redirects.isRedirect(status, location)) {
            t.redirectLocation = location;
            t.redirectStatus = status;
            return BodySink.DISCARD;
        }
        if (contentLength > maxBody) {
            throw new HttpException(FetchError.FILESIZE_EXCEEDED,
                    "Content-Length " + contentLength + " exceeds the maximum body size of " + maxBody + " bytes");
        }
        BodySink sink;
        BodyConsumer consumer = t.hop.bodyConsumer();
        if (consumer != null) {
            sink = new ConsumerSink(consumer);
            try {
                consumer.onStart(status, headers, t.control());
                t.consumerStarted = true;
            } catch (Exception | LinkageError | AssertionError e) {
                throw aborted("the body consumer's onStart", e);
            }
        } else {
            t.collector = new BodyCollector(maxBody);
            if (!headers.contains("Content-Encoding")) {
                t.collector.expect(contentLength);
            }
            sink = t.collector;
        }
        if (!t.hop.acceptEncoding().isEmpty() && headers.contains("Content-Encoding")) {
            t.decoder = ContentDecoder.wrap(headers.all("Content-Encoding"), sink, maxBody);
            sink = t.decoder;
        }
        return sink;
    }

    private void notifyHeaders(int status, String version, Headers headers, boolean interim) throws HttpException {
        HeaderListener listener = t.hop.headerListener();
        if (listener != null) {
            try {
                listener.onHeaders(status, version, headers, interim);
            } catch (Exception | LinkageError | AssertionError e) {
                throw aborted("the header listener", e);
            }
        }
    }

    static HttpException aborted(String who, Throwable e) {
        HttpException failure = new HttpException(FetchError.ABORTED_BY_CALLBACK, who + " threw " + e);
        failure.initCause(e);
        return failure;
    }

    /** Hands decoded body bytes to the user's consumer, bounded by the body limit; a {@code false} pauses the transfer. */
    private final class ConsumerSink implements BodySink {

        private final BodyConsumer consumer;
        private long delivered;

        ConsumerSink(BodyConsumer consumer) {
            this.consumer = consumer;
        }

        @Override
        public void write(ByteBuffer src, int length) throws HttpException {
            delivered += length;
            if (delivered > maxBody) {
                throw new HttpException(FetchError.FILESIZE_EXCEEDED, "body exceeds the maximum body size of " + maxBody + " bytes");
            }
            // one read-only view of just these bytes (a slice of a read-only view would be two objects)
            ByteBuffer slice = src.asReadOnlyBuffer();
            slice.limit(src.position() + length);
            src.position(src.position() + length);
            try {
                if (!consumer.onData(slice)) {
                    t.pauseRequested = true;
                }
            } catch (Exception | LinkageError | AssertionError e) {
                throw aborted("the body consumer", e);
            }
        }

        @Override
        public boolean paused() {
            return t.pauseRequested || t.paused;
        }

        @Override
        public void end() throws HttpException {
            try {
                consumer.onComplete();
            } catch (Exception | LinkageError | AssertionError e) {
                throw aborted("the body consumer's onComplete", e);
            }
        }
    }
}
