package dev.multifetch.autoconfigure.metrics;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.multifetch.core.http2.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The HTTP/2 meters of {@link MetricsFetchListener}, fed by the engine's HTTP/2 events:
 * {@value #CONNECTIONS} (gauge: HTTP/2 connections open, a part of {@code multifetch.connections}),
 * {@value #STREAMS_ACTIVE} (gauge: streams open on them), {@value #GOAWAYS} (counter, tagged
 * {@code error} = the GOAWAY's error code name such as {@code NO_ERROR} or
 * {@code ENHANCE_YOUR_CALM}), {@value #STREAMS_REPLAYED} (counter: streams the server did not
 * process, sent again on another connection, tagged {@code error} likewise, {@code REFUSED_STREAM}
 * for instance) and {@value #FLOW_STALLS} (counter: request bodies that waited for the server's
 * flow-control window). Tags are {@link ErrorCode#name}: a code outside RFC 9113's table is tagged
 * {@code UNKNOWN}, so a server cannot make tags without bound.
 *
 * <p>Events arrive on the selector thread; the gauges are read by whichever thread scrapes.
 */
final class Http2Meters {

    static final String CONNECTIONS = "multifetch.http2.connections";
    static final String STREAMS_ACTIVE = "multifetch.http2.streams.active";
    static final String GOAWAYS = "multifetch.http2.goaways";
    static final String STREAMS_REPLAYED = "multifetch.http2.streams.replayed";
    static final String FLOW_STALLS = "multifetch.http2.flow.stalls";

    /**
     * The open HTTP/2 connections by id, each with its open streams. A connection's close takes
     * its streams with it, so a stream whose own close never came is not counted for ever.
     */
    private final Map<Long, Set<Integer>> openStreams = new ConcurrentHashMap<>();

    private final Meter.MeterProvider<Counter> goaways;
    private final Meter.MeterProvider<Counter> streamsReplayed;
    private final Counter flowStalls;

    Http2Meters(MeterRegistry registry) {
        Gauge.builder(CONNECTIONS, this.openStreams, Map::size)
            .description("HTTP/2 connections open (a part of multifetch.connections)")
            .baseUnit("connections")
            .register(registry);
        Gauge.builder(STREAMS_ACTIVE, this, Http2Meters::activeStreams)
            .description("HTTP/2 streams open: requests in flight on HTTP/2 connections")
            .baseUnit("streams")
            .register(registry);
        this.goaways = Counter.builder(GOAWAYS)
            .description("GOAWAY frames received, by error code")
            .withRegistry(registry);
        this.streamsReplayed = Counter.builder(STREAMS_REPLAYED)
            .description("HTTP/2 streams the server did not process, sent again on another connection, by error code")
            .withRegistry(registry);
        this.flowStalls = Counter.builder(FLOW_STALLS)
            .description("Times an HTTP/2 request body waited for the server's flow-control window")
            .register(registry);
    }

    void connectionOpened(long connectionId) {
        this.openStreams.putIfAbsent(connectionId, ConcurrentHashMap.newKeySet());
    }

    void connectionClosed(long connectionId) {
        this.openStreams.remove(connectionId);
    }

    /** A stream proves its connection open, should that event have gone unheard. */
    void streamOpened(long connectionId, int streamId) {
        this.openStreams.computeIfAbsent(connectionId, (id) -> ConcurrentHashMap.newKeySet()).add(streamId);
    }

    /** A late close of a connection already closed does not bring the connection back. */
    void streamClosed(long connectionId, int streamId) {
        this.openStreams.computeIfPresent(connectionId, (id, streams) -> {
            streams.remove(streamId);
            return streams;
        });
    }

    void goaway(long errorCode) {
        this.goaways.withTag("error", ErrorCode.name(errorCode)).increment();
    }

    void streamReplayed(long errorCode) {
        this.streamsReplayed.withTag("error", ErrorCode.name(errorCode)).increment();
    }

    void flowControlStalled() {
        this.flowStalls.increment();
    }

    private double activeStreams() {
        return this.openStreams.values().stream().mapToInt(Set::size).sum();
    }
}
