package dev.multifetch.core.http2;

import static dev.multifetch.core.http2.RawFrames.CONTINUATION;
import static dev.multifetch.core.http2.RawFrames.DATA;
import static dev.multifetch.core.http2.RawFrames.END_HEADERS;
import static dev.multifetch.core.http2.RawFrames.END_STREAM;
import static dev.multifetch.core.http2.RawFrames.HEADERS;
import static dev.multifetch.core.http2.RawFrames.PADDED;
import static dev.multifetch.core.http2.RawFrames.PRIORITY;
import static dev.multifetch.core.http2.RawFrames.PRIORITY_FLAG;
import static dev.multifetch.core.http2.RawFrames.PUSH_PROMISE;
import static dev.multifetch.core.http2.RawFrames.ascii;
import static dev.multifetch.core.http2.RawFrames.concat;
import static dev.multifetch.core.http2.RawFrames.frame;
import static dev.multifetch.core.http2.RawFrames.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frame reader on well-formed input: every frame type written by {@link FrameWriter} (or by
 * hand where the writer has no such frame) reads back as written, payloads are views of the
 * caller's buffer, and a handler that returns false pauses the reader where it stands.
 */
class FrameReaderTests {

    private static final int MAX_FRAME = 16_384;

    private final FrameReader reader = new FrameReader(MAX_FRAME, 64 * 1024, 8);
    private final RecordingHandler handler = new RecordingHandler();
    private final ByteOutput out = new ByteOutput(64);

    @Test
    void settingsReadBackInOrder() throws Http2Exception {
        FrameWriter.settings(out, List.of(new Setting(Setting.ENABLE_PUSH, 0), new Setting(Setting.MAX_FRAME_SIZE, 16_777_215),
                new Setting(Setting.INITIAL_WINDOW_SIZE, 0x7fff_ffffL), new Setting(Setting.HEADER_TABLE_SIZE, 0xffff_ffffL),
                new Setting(Setting.MAX_CONCURRENT_STREAMS, 100), new Setting(Setting.MAX_HEADER_LIST_SIZE, 65_536),
                new Setting(Setting.ENABLE_PUSH, 1)));
        FrameWriter.settings(out, List.of());
        FrameWriter.settingsAck(out);

        assertThat(readWritten()).containsExactly("SETTINGS [SETTINGS_ENABLE_PUSH=0, SETTINGS_MAX_FRAME_SIZE=16777215, "
                + "SETTINGS_INITIAL_WINDOW_SIZE=2147483647, SETTINGS_HEADER_TABLE_SIZE=4294967295, "
                + "SETTINGS_MAX_CONCURRENT_STREAMS=100, SETTINGS_MAX_HEADER_LIST_SIZE=65536, SETTINGS_ENABLE_PUSH=1]",
                "SETTINGS []", "SETTINGS ACK");
    }

    @Test
    void settingsOfUnknownIdsAreDropped() throws Http2Exception {
        read(frame(RawFrames.SETTINGS, 0, 0, concat(RawFrames.setting(0x10, 7), RawFrames.setting(Setting.ENABLE_PUSH, 0),
                RawFrames.setting(0xffff, 1), RawFrames.setting(0, 0))));

        assertThat(handler.events()).containsExactly("SETTINGS [SETTINGS_ENABLE_PUSH=0]");
    }

    @Test
    void controlFramesReadBackAsWritten() throws Http2Exception {
        FrameWriter.windowUpdate(out, 0, 0x7fff_ffff);
        FrameWriter.windowUpdate(out, 3, 1);
        FrameWriter.rstStream(out, 5, ErrorCode.CANCEL);
        FrameWriter.rstStream(out, 7, 0xffff_ffffL);
        FrameWriter.ping(out, false, 0x0102_0304_0506_0708L);
        FrameWriter.ping(out, true, -1L);
        FrameWriter.goAway(out, 0x7fff_ffff, ErrorCode.ENHANCE_YOUR_CALM, ascii("calm down"));
        FrameWriter.goAway(out, 0, ErrorCode.NO_ERROR, new byte[0]);

        assertThat(readWritten()).containsExactly("WINDOW_UPDATE 0 2147483647", "WINDOW_UPDATE 3 1",
                "RST_STREAM 5 CANCEL (0x8)", "RST_STREAM 7 unknown error code 0xffffffff", "PING 102030405060708",
                "PING ACK ffffffffffffffff", "GOAWAY 2147483647 ENHANCE_YOUR_CALM (0xb) \"calm down\"",
                "GOAWAY 0 NO_ERROR (0x0) \"\"");
    }

    @Test
    void dataReadsBackWithItsFlowControlledLength() throws Http2Exception {
        FrameWriter.data(out, 1, false, ByteBuffer.wrap(ascii("hello")), 5);
        FrameWriter.data(out, 1, true, ByteBuffer.allocate(0), 0);

        assertThat(readWritten()).containsExactly("DATA 1 \"hello\" flow 5", "DATA 1 END_STREAM \"\" flow 0");
    }

    @Test
    void headersThatFitReadBackAsOneBlock() throws Http2Exception {
        byte[] block = ascii("xxencoded-fieldsxx");
        FrameWriter.headers(out, 3, true, block, 2, block.length - 4, MAX_FRAME);
        FrameWriter.headers(out, 5, false, block, 0, 0, MAX_FRAME);

        assertThat(readWritten()).containsExactly("HEADERS 3 END_STREAM \"encoded-fields\"", "HEADERS 5 \"\"");
    }

    @Test
    void headersSplitIntoContinuationsReadBackAsOneBlock() throws Http2Exception {
        FrameReader largeBlocks = new FrameReader(MAX_FRAME, 100_000, 8);
        byte[] block = new byte[3 * MAX_FRAME + 5];
        Arrays.fill(block, (byte) 'h');
        FrameWriter.headers(out, 1, true, block, 0, block.length, MAX_FRAME);

        largeBlocks.read(ByteBuffer.wrap(out.toByteArray()), handler);

        assertThat(handler.events()).containsExactly("HEADERS 1 END_STREAM \"" + "h".repeat(block.length) + "\"");
        assertThat(largeBlocks.inHeaderBlock()).isFalse();
    }

    @Test
    void paddedDataGivesThePayloadAndCountsThePadding() throws Http2Exception {
        read(frame(DATA, PADDED | END_STREAM, 1, concat(number(3, 1), ascii("body"), new byte[3])),
                frame(DATA, PADDED, 1, number(0, 1)), frame(DATA, PADDED, 1, concat(number(4, 1), new byte[4])));

        assertThat(handler.events()).containsExactly("DATA 1 END_STREAM \"body\" flow 8", "DATA 1 \"\" flow 1",
                "DATA 1 \"\" flow 5");
    }

    @Test
    void paddedHeadersWithPriorityGiveTheBlockAlone() throws Http2Exception {
        byte[] priority = concat(number(0x8000_0003L, 4), number(255, 1));
        read(frame(HEADERS, PADDED | PRIORITY_FLAG | END_HEADERS | END_STREAM, 5,
                concat(number(2, 1), priority, ascii("fields"), new byte[2])),
                frame(HEADERS, PRIORITY_FLAG | END_HEADERS, 7, concat(priority, ascii("more"))));

        assertThat(handler.events()).containsExactly("HEADERS 5 END_STREAM \"fields\"", "HEADERS 7 \"more\"");
    }

    @Test
    void pushPromiseGivesThePromisedStreamAndTheAssembledBlock() throws Http2Exception {
        read(frame(PUSH_PROMISE, PADDED, 1, concat(number(1, 1), number(0x8000_0002L, 4), ascii("pro"), new byte[1])),
                frame(CONTINUATION, END_HEADERS, 1, ascii("mised")),
                frame(PUSH_PROMISE, END_HEADERS, 3, concat(number(4, 4), ascii("x"))));

        assertThat(handler.events()).containsExactly("PUSH_PROMISE 1 promised 2 \"promised\"", "PUSH_PROMISE 3 promised 4 \"x\"");
    }

    @Test
    void priorityAndUnknownFramesAreReportedAndSkipped() throws Http2Exception {
        read(frame(PRIORITY, 0, 3, concat(number(1, 4), number(16, 1))), frame(0xfa, 0xff, 9, ascii("ext")),
                frame(0x10, 0, 0), frame(DATA, 0, 1, ascii("after")));

        assertThat(handler.events()).containsExactly("PRIORITY 3", "UNKNOWN 0xfa 9 length 3", "UNKNOWN 0x10 0 length 0",
                "DATA 1 \"after\" flow 5");
    }

    @Test
    void theReservedBitOfEveryThirtyOneBitFieldIsIgnored() throws Http2Exception {
        read(frame(DATA, 0, 0x8000_0001, ascii("d")), frame(RawFrames.WINDOW_UPDATE, 0, 0x8000_0000, number(0x8000_0010L, 4)),
                frame(RawFrames.GOAWAY, 0, 0, concat(number(0xffff_ffffL, 4), number(0, 4))));

        assertThat(handler.events()).containsExactly("DATA 1 \"d\" flow 1", "WINDOW_UPDATE 0 16",
                "GOAWAY 2147483647 NO_ERROR (0x0) \"\"");
    }

    @Test
    void aWholeFrameIsHandedOverAsAViewOfTheCallersBufferWithoutACopy() throws Http2Exception {
        ByteBuffer src = ByteBuffer.wrap(concat(frame(DATA, 0, 1, ascii("data")), frame(HEADERS, END_HEADERS, 3, ascii("hdr"))));
        reader.read(src, handler);

        assertThat(handler.payloads()).hasSize(2).allSatisfy(payload -> assertThat(payload).isSameAs(src));
        assertThat(src.position()).isEqualTo(src.limit()).isEqualTo(src.capacity());
    }

    @Test
    void theHeaderBlockBufferIsReusedFromOneBlockToTheNext() throws Http2Exception {
        byte[] split = concat(frame(HEADERS, 0, 1, ascii("first ")), frame(CONTINUATION, END_HEADERS, 1, ascii("block")));
        read(split);
        int capacity = reader.blockCapacity();
        read(split);

        assertThat(handler.payloads()).hasSize(2).allSatisfy(block -> assertThat(block).isSameAs(handler.payloads().get(0)));
        assertThat(reader.blockCapacity()).isEqualTo(capacity).isLessThanOrEqualTo(64 * 1024);
        assertThat(handler.events()).containsExactly("HEADERS 1 \"first block\"", "HEADERS 1 \"first block\"");
    }

    @Test
    void aHandlerReturningFalseLeavesTheRestUnconsumedUntilTheNextRead() throws Http2Exception {
        byte[] first = frame(DATA, 0, 1, ascii("one"));
        byte[] bytes = concat(first, frame(DATA, 0, 1, ascii("two")), frame(DATA, END_STREAM, 1, ascii("three")));
        RecordingHandler pausing = new RecordingHandler(1);
        ByteBuffer src = ByteBuffer.wrap(bytes);

        reader.read(src, pausing);

        assertThat(pausing.events()).containsExactly("DATA 1 \"one\" flow 3");
        assertThat(src.position()).isEqualTo(first.length);
        assertThat(src.limit()).isEqualTo(bytes.length);

        reader.read(src, pausing);
        reader.read(src, pausing);

        assertThat(pausing.events()).containsExactly("DATA 1 \"one\" flow 3", "DATA 1 \"two\" flow 3",
                "DATA 1 END_STREAM \"three\" flow 5");
        assertThat(src.hasRemaining()).isFalse();
    }

    @Test
    void aHandlerReturningFalseOnABufferedFrameLeavesTheNewBytesUnconsumed() throws Http2Exception {
        byte[] first = frame(DATA, 0, 1, ascii("one"));
        byte[] second = frame(DATA, 0, 1, ascii("two"));
        RecordingHandler pausing = new RecordingHandler(1);
        reader.read(ByteBuffer.wrap(first, 0, 5), pausing);
        ByteBuffer rest = ByteBuffer.wrap(concat(Arrays.copyOfRange(first, 5, first.length), second));

        reader.read(rest, pausing);

        assertThat(pausing.events()).containsExactly("DATA 1 \"one\" flow 3");
        assertThat(rest.remaining()).isEqualTo(second.length);
        assertThat(reader.hasPartialFrame()).isFalse();
    }

    @Test
    void aPartialFrameIsKeptUntilItsLastByteArrives() throws Http2Exception {
        byte[] bytes = frame(DATA, 0, 1, ascii("payload"));

        reader.read(ByteBuffer.wrap(bytes, 0, 4), handler);
        assertThat(reader.hasPartialFrame()).isTrue();
        reader.read(ByteBuffer.wrap(bytes, 4, bytes.length - 5), handler);
        assertThat(reader.hasPartialFrame()).isTrue();
        assertThat(handler.events()).isEmpty();
        reader.read(ByteBuffer.wrap(bytes, bytes.length - 1, 1), handler);

        assertThat(reader.hasPartialFrame()).isFalse();
        assertThat(handler.events()).containsExactly("DATA 1 \"payload\" flow 7");
    }

    @Test
    void aBiggerMaxFrameSizeLetsBiggerFramesIn() throws Http2Exception {
        reader.maxFrameSize(MAX_FRAME + 1);

        read(frame(DATA, 0, 1, new byte[MAX_FRAME + 1]));

        assertThat(handler.events()).hasSize(1).first().asString().endsWith("flow 16385");
    }

    @Test
    void badLimitsAreRejectedAtOnce() {
        assertThatThrownBy(() -> new FrameReader(16_383, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max frame size outside 16384..16777215: 16383");
        assertThatThrownBy(() -> new FrameReader(MAX_FRAME, -1, 1)).hasMessage("maxHeaderBlockBytes < 0: -1");
        assertThatThrownBy(() -> new FrameReader(MAX_FRAME, 1, -1)).hasMessage("maxContinuations < 0: -1");
        assertThatThrownBy(() -> reader.maxFrameSize(16_777_216)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max frame size outside 16384..16777215: 16777216");
    }

    private List<String> readWritten() throws Http2Exception {
        read(out.toByteArray());
        return handler.events();
    }

    private void read(byte[]... frames) throws Http2Exception {
        ByteBuffer src = ByteBuffer.wrap(concat(frames));
        reader.read(src, handler);
        assertThat(src.hasRemaining()).as("bytes left unread").isFalse();
        assertThat(reader.hasPartialFrame()).as("partial frame").isFalse();
    }
}
