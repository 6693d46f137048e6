package dev.multifetch.core.http2;

import static dev.multifetch.core.http2.RawFrames.CONTINUATION;
import static dev.multifetch.core.http2.RawFrames.DATA;
import static dev.multifetch.core.http2.RawFrames.END_HEADERS;
import static dev.multifetch.core.http2.RawFrames.END_STREAM;
import static dev.multifetch.core.http2.RawFrames.HEADERS;
import static dev.multifetch.core.http2.RawFrames.PADDED;
import static dev.multifetch.core.http2.RawFrames.PRIORITY_FLAG;
import static dev.multifetch.core.http2.RawFrames.ascii;
import static dev.multifetch.core.http2.RawFrames.concat;
import static dev.multifetch.core.http2.RawFrames.frame;
import static dev.multifetch.core.http2.RawFrames.number;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The frame reader gives exactly the same callbacks however the bytes arrive: whole, split at
 * every byte boundary, one byte at a time, in random chunks, and with a consumer that pauses after
 * every frame.
 */
class FrameReaderSplitTests {

    private static final int MAX_FRAME = 16_384;

    private final FrameFeed feed = new FrameFeed(MAX_FRAME, 4096, 8);

    /** What a server might send on one connection: preface SETTINGS, two responses, a push, control frames. */
    private static final byte[] CONVERSATION = buildConversation();

    private static byte[] buildConversation() {
        ByteOutput out = new ByteOutput(2048);
        FrameWriter.settings(out, List.of(new Setting(Setting.MAX_CONCURRENT_STREAMS, 100),
                new Setting(Setting.INITIAL_WINDOW_SIZE, 1 << 20), new Setting(Setting.MAX_FRAME_SIZE, 1 << 14)));
        FrameWriter.windowUpdate(out, 0, 983_041);
        FrameWriter.settingsAck(out);
        byte[] head = ascii(":status: 200, content-type: text/html, server: hostile/1.0");
        FrameWriter.headers(out, 1, false, head, 0, head.length, MAX_FRAME);
        out.write(frame(DATA, PADDED, 1, concat(number(7, 1), ascii("padded body"), new byte[7])), 0, 28);
        FrameWriter.data(out, 1, false, ByteBuffer.wrap(new byte[300]), 300);
        byte[] split = concat(frame(HEADERS, PADDED | PRIORITY_FLAG, 3, concat(number(2, 1), number(1, 4), number(15, 1),
                ascii(":status: 404"), new byte[2])), frame(CONTINUATION, 0, 3, ascii(", via: a")),
                frame(CONTINUATION, END_HEADERS, 3, ascii("nother")));
        out.write(split, 0, split.length);
        byte[] push = concat(frame(RawFrames.PUSH_PROMISE, 0, 1, concat(number(2, 4), ascii(":path: /style"))),
                frame(CONTINUATION, END_HEADERS, 1, ascii(".css")));
        out.write(push, 0, push.length);
        FrameWriter.ping(out, false, 0x1122_3344_5566_7788L);
        byte[] misc = concat(frame(0xfe, 0x3, 1, ascii("extension")), frame(RawFrames.PRIORITY, 0, 3, new byte[5]),
                frame(RawFrames.WINDOW_UPDATE, 0, 5, number(0, 4)), frame(RawFrames.PRIORITY, 0, 7, new byte[6]));
        out.write(misc, 0, misc.length);
        FrameWriter.data(out, 3, false, ByteBuffer.wrap(new byte[0]), 0);
        FrameWriter.data(out, 3, true, ByteBuffer.wrap(ascii("not found")), 9);
        byte[] trailers = ascii("grpc-status: 0");
        FrameWriter.headers(out, 1, true, trailers, 0, trailers.length, MAX_FRAME);
        FrameWriter.rstStream(out, 2, ErrorCode.CANCEL);
        FrameWriter.windowUpdate(out, 3, 300);
        FrameWriter.goAway(out, 3, ErrorCode.NO_ERROR, ascii("bye"));
        return out.toByteArray();
    }

    @Test
    void theConversationReadsWholeAsWritten() {
        assertThat(feed.whole(CONVERSATION)).hasSize(19).contains(
                "HEADERS 3 \":status: 404, via: another\"",
                "PUSH_PROMISE 1 promised 2 \":path: /style.css\"",
                "stream error on 5 PROTOCOL_ERROR (0x1): WINDOW_UPDATE frame on stream 5: increment 0 (RFC 9113 section 6.9)",
                "stream error on 7 FRAME_SIZE_ERROR (0x6): PRIORITY frame on stream 7: length 6, must be 5 (RFC 9113 section 6.3)",
                "GOAWAY 3 NO_ERROR (0x0) \"bye\"");
    }

    @Test
    void theConversationSplitAtEveryByteBoundaryGivesTheSameCallbacks() {
        List<String> whole = feed.whole(CONVERSATION);

        for (int cut = 0; cut <= CONVERSATION.length; cut++) {
            assertThat(feed.read(CONVERSATION, new int[] {cut}, 0)).as("split at %d", cut).isEqualTo(whole);
        }
    }

    @Test
    void theConversationOneByteAtATimeGivesTheSameCallbacks() {
        assertThat(feed.read(CONVERSATION, FrameFeed.every(1, CONVERSATION.length), 0)).isEqualTo(feed.whole(CONVERSATION));
    }

    @Test
    void theConversationInRandomChunksGivesTheSameCallbacks() {
        List<String> whole = feed.whole(CONVERSATION);

        for (long seed = 1; seed <= 200; seed++) {
            assertThat(feed.read(CONVERSATION, randomCuts(new Random(seed), CONVERSATION.length, 40), 0))
                    .as("seed %d", seed).isEqualTo(whole);
        }
    }

    @Test
    void aConsumerPausingAfterEveryFrameGetsTheSameCallbacksHoweverTheBytesArrive() {
        List<String> whole = feed.whole(CONVERSATION);

        assertThat(feed.read(CONVERSATION, new int[0], 1)).isEqualTo(whole);
        assertThat(feed.read(CONVERSATION, FrameFeed.every(1, CONVERSATION.length), 1)).isEqualTo(whole);
        for (long seed = 1; seed <= 50; seed++) {
            assertThat(feed.read(CONVERSATION, randomCuts(new Random(seed), CONVERSATION.length, 40), 2))
                    .as("seed %d", seed).isEqualTo(whole);
        }
    }

    @Test
    void fullSizeDataFramesInRandomChunksStayWithinOneFrameOfBuffer() {
        byte[] payload = new byte[MAX_FRAME];
        Arrays.fill(payload, (byte) 'x');
        byte[] frames = concat(frame(DATA, 0, 1, payload), frame(DATA, END_STREAM, 1, payload));
        List<String> whole = feed.whole(frames);

        for (long seed = 1; seed <= 20; seed++) {
            assertThat(feed.read(frames, randomCuts(new Random(seed), frames.length, 5000), 0)).isEqualTo(whole);
        }
        assertThat(whole).hasSize(2);
    }

    @Test
    void aConnectionErrorComesAtTheSameFrameHoweverTheBytesArrive() {
        byte[] bad = concat(CONVERSATION, frame(RawFrames.PING, 0, 0, new byte[7]), frame(DATA, 0, 1, ascii("never")));
        List<String> whole = feed.whole(bad);

        assertThat(whole.get(whole.size() - 1)).startsWith("connection error FRAME_SIZE_ERROR (0x6): PING frame");
        IntStream.rangeClosed(0, bad.length).forEach(cut ->
                assertThat(feed.read(bad, new int[] {cut}, 0)).as("split at %d", cut).isEqualTo(whole));
    }

    /** Ascending cuts at random distances of 1..{@code most} bytes. */
    private static int[] randomCuts(Random random, int length, int most) {
        IntStream.Builder cuts = IntStream.builder();
        for (int at = 1 + random.nextInt(most); at < length; at += 1 + random.nextInt(most)) {
            cuts.add(at);
        }
        return cuts.build().toArray();
    }
}
