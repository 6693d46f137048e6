package dev.multifetch.core.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Feeds bytes to a fresh {@link FrameReader} in pieces, as socket reads would bring them, and
 * writes down what came of it: every callback, every stream error (after which it reads on), the
 * connection error that ends it, and whether a frame or header block was left unfinished. It
 * checks that every error message starts by naming the frame and its stream, and after every read
 * that the reader's buffers stay within its limits.
 */
final class FrameFeed {

    private final int maxFrameSize;
    private final int maxHeaderBlockBytes;
    private final int maxContinuations;

    FrameFeed(int maxFrameSize, int maxHeaderBlockBytes, int maxContinuations) {
        this.maxFrameSize = maxFrameSize;
        this.maxHeaderBlockBytes = maxHeaderBlockBytes;
        this.maxContinuations = maxContinuations;
    }

    /** All of {@code input} in one read. */
    List<String> whole(byte[] input) {
        return read(input, new int[0], 0);
    }

    /**
     * {@code input} in pieces that end at each of {@code cuts} (ascending offsets) and at its end,
     * with a handler that pauses after every {@code pauseEvery}th callback (never when 0); a
     * paused read is simply called again with what it left.
     */
    List<String> read(byte[] input, int[] cuts, int pauseEvery) {
        FrameReader reader = new FrameReader(maxFrameSize, maxHeaderBlockBytes, maxContinuations);
        RecordingHandler handler = new RecordingHandler(pauseEvery);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : input.length;
            ByteBuffer src = ByteBuffer.wrap(input, from, to - from);
            while (src.hasRemaining()) {
                int before = src.position();
                int events = handler.events().size();
                try {
                    reader.read(src, handler);
                } catch (Http2Exception e) {
                    assertThat(e.getMessage()).as("message of %s", e).matches("(\\S+|type 0x\\p{XDigit}+) frame on stream \\d+[: ].+");
                    handler.note((e.isConnectionError() ? "connection error " : "stream error on " + e.streamId() + " ")
                            + ErrorCode.describe(e.errorCode()) + ": " + e.getMessage());
                    if (e.isConnectionError()) {
                        return handler.events();
                    }
                }
                assertWithinLimits(reader);
                assertThat(src.position() > before || handler.events().size() > events).as("progress of a read").isTrue();
            }
            from = to;
        }
        if (reader.hasPartialFrame()) {
            handler.note("ended inside a frame");
        }
        if (reader.inHeaderBlock()) {
            handler.note("ended inside a header block");
        }
        return handler.events();
    }

    /** Cuts after every {@code piece} bytes of an input of {@code length}. */
    static int[] every(int piece, int length) {
        int[] cuts = new int[Math.max(0, (length - 1) / piece)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = (i + 1) * piece;
        }
        return cuts;
    }

    private void assertWithinLimits(FrameReader reader) {
        assertThat(reader.bufferCapacity()).as("partial frame buffer").isLessThanOrEqualTo(9 + maxFrameSize);
        assertThat(reader.blockCapacity()).as("header block buffer").isLessThanOrEqualTo(maxHeaderBlockBytes);
    }
}
