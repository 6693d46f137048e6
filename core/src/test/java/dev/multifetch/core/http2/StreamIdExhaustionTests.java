package dev.multifetch.core.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.connection.PlainTransport;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A connection whose stream ids run out takes no new stream and drains (RFC 9113 section
 * 5.1.1: a client unable to make a new stream id opens a new connection), and ids never wrap.
 */
class StreamIdExhaustionTests {

    private static final Http2Connection.Events NO_EVENTS = new Http2Connection.Events() {
        @Override
        public void capacityChanged(Http2Connection connection) {
        }

        @Override
        public void goaway(Http2Connection connection, long errorCode, int lastStreamId, String debug) {
        }
    };

    @Test
    void theLastOddIdIsUsedAndThenTheConnectionTakesNoMoreStreams() throws Exception {
        try (SocketChannel unconnected = SocketChannel.open()) {
            Http2Connection c = new Http2Connection(new PlainTransport(unconnected),
                    Http2Connection.Limits.defaults(100, 65536), NO_EVENTS, Http2Connection.MAX_STREAM_ID - 2);
            c.start();
            List<Map.Entry<String, String>> fields = List.of(Map.entry(":method", "GET"), Map.entry(":scheme", "http"),
                    Map.entry(":authority", "a"), Map.entry(":path", "/"));

            c.reserve();
            Http2Stream first = c.openStream(fields, true, null);
            assertThat(c.isDraining()).isFalse();
            c.reserve();
            Http2Stream last = c.openStream(fields, true, null);

            assertThat(first.id()).isEqualTo(Integer.MAX_VALUE - 2);
            assertThat(last.id()).isEqualTo(Integer.MAX_VALUE);
            assertThat(c.hasCapacity()).as("capacity once 2^31-1 was used").isFalse();
            assertThat(c.isDraining()).isTrue();
        }
    }
}
