package dev.multifetch.core.http2;

import static dev.multifetch.core.http2.RawFrames.CONTINUATION;
import static dev.multifetch.core.http2.RawFrames.DATA;
import static dev.multifetch.core.http2.RawFrames.END_HEADERS;
import static dev.multifetch.core.http2.RawFrames.HEADERS;
import static dev.multifetch.core.http2.RawFrames.PADDED;
import static dev.multifetch.core.http2.RawFrames.PRIORITY;
import static dev.multifetch.core.http2.RawFrames.PRIORITY_FLAG;
import static dev.multifetch.core.http2.RawFrames.PUSH_PROMISE;
import static dev.multifetch.core.http2.RawFrames.SETTINGS;
import static dev.multifetch.core.http2.RawFrames.WINDOW_UPDATE;
import static dev.multifetch.core.http2.RawFrames.ascii;
import static dev.multifetch.core.http2.RawFrames.concat;
import static dev.multifetch.core.http2.RawFrames.frame;
import static dev.multifetch.core.http2.RawFrames.number;
import static dev.multifetch.core.http2.RawFrames.repeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every rule the frame reader enforces, one breach per test: the error code, whether it ends the
 * connection or one stream, and a message naming the frame type, stream and rule or limit. Each
 * test fails if its check is removed.
 */
class FrameReaderRulesTests {

    private static final int MAX_FRAME = 16_384;
    private static final int MAX_BLOCK = 64;
    private static final int MAX_CONTINUATIONS = 8;

    private final FrameReader reader = new FrameReader(MAX_FRAME, MAX_BLOCK, MAX_CONTINUATIONS);
    private final RecordingHandler handler = new RecordingHandler();

    @Test
    void aFrameOverTheMaxFrameSizeFailsOnItsHeaderBeforeThePayloadIsBuffered() {
        byte[] header = frame(MAX_FRAME + 1, DATA, 0, 1);

        assertConnectionError(failure(header), ErrorCode.FRAME_SIZE_ERROR,
                "DATA frame on stream 1: length 16385 is over our max frame size 16384 (RFC 9113 section 6.1)");
    }

    @Test
    void aFrameOverTheMaxFrameSizeFailsOnItsHeaderWhenTheHeaderArrivesInPieces() throws Http2Exception {
        byte[] header = frame(0xff_ffff, 0xfa, 0, 0);
        reader.read(ByteBuffer.wrap(header, 0, 4), handler);

        Throwable thrown = catchThrowable(() -> reader.read(ByteBuffer.wrap(header, 4, 5), handler));

        assertConnectionError(thrown, ErrorCode.FRAME_SIZE_ERROR, "length 16777215 is over our max frame size 16384");
        assertThat(reader.bufferCapacity()).isLessThanOrEqualTo(9 + MAX_FRAME);
    }

    @ParameterizedTest(name = "{0} {1} length {2}")
    @CsvSource(delimiter = '|', textBlock = """
            PING          | 0                 | 7 | PING frame on stream 0: length 7, must be 8 (RFC 9113 section 6.7)
            PING          | 1                 | 9 | PING frame on stream 0: length 9, must be 8
            RST_STREAM    | 0                 | 3 | RST_STREAM frame on stream 1: length 3, must be 4 (RFC 9113 section 6.4)
            RST_STREAM    | 0                 | 5 | RST_STREAM frame on stream 1: length 5, must be 4
            WINDOW_UPDATE | 0                 | 3 | WINDOW_UPDATE frame on stream 1: length 3, must be 4 (RFC 9113 section 6.9)
            WINDOW_UPDATE | 0                 | 5 | WINDOW_UPDATE frame on stream 1: length 5, must be 4
            SETTINGS      | 0                 | 7 | SETTINGS frame on stream 0: length 7 is not a multiple of 6 (RFC 9113 section 6.5)
            SETTINGS      | 1                 | 6 | SETTINGS frame on stream 0: ACK with length 6, must be empty
            GOAWAY        | 0                 | 7 | GOAWAY frame on stream 0: length 7 is too short for its 8 bytes of fields
            DATA          | PADDED            | 0 | DATA frame on stream 1: length 0 is too short for its 1 bytes of fields
            HEADERS       | PRIORITY          | 4 | HEADERS frame on stream 1: length 4 is too short for its 5 bytes of fields
            HEADERS       | PADDED PRIORITY   | 5 | HEADERS frame on stream 1: length 5 is too short for its 6 bytes of fields
            PUSH_PROMISE  | 0                 | 3 | PUSH_PROMISE frame on stream 1: length 3 is too short for its 4 bytes of fields
            PUSH_PROMISE  | PADDED            | 4 | PUSH_PROMISE frame on stream 1: length 4 is too short for its 5 bytes of fields
            """)
    void aFrameOfTheWrongSizeForItsTypeIsAFrameSizeError(String type, String flags, int length, String message) {
        int typeCode = typeCode(type);
        int streamId = typeCode == RawFrames.PING || typeCode == SETTINGS || typeCode == RawFrames.GOAWAY ? 0 : 1;

        assertConnectionError(failure(frame(typeCode, flagBits(flags), streamId, new byte[length])),
                ErrorCode.FRAME_SIZE_ERROR, message);
    }

    @Test
    void aPriorityFrameOfTheWrongSizeIsAStreamErrorAndReadingGoesOn() throws Http2Exception {
        byte[] priority = frame(PRIORITY, 0, 3, new byte[4]);
        ByteBuffer src = ByteBuffer.wrap(concat(priority, frame(DATA, 0, 1, ascii("next"))));

        Throwable thrown = catchThrowable(() -> reader.read(src, handler));

        assertThat(thrown).isInstanceOfSatisfying(Http2Exception.class, e -> {
            assertThat(e.isConnectionError()).isFalse();
            assertThat(e.streamId()).isEqualTo(3);
            assertThat(e.errorCode()).isEqualTo(ErrorCode.FRAME_SIZE_ERROR);
            assertThat(e).hasMessage("PRIORITY frame on stream 3: length 4, must be 5 (RFC 9113 section 6.3)");
        });
        assertThat(src.position()).isEqualTo(priority.length);
        reader.read(src, handler);
        assertThat(handler.events()).containsExactly("DATA 1 \"next\" flow 4");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            DATA         | 0           | 0000                | DATA frame on stream 0: must be on a stream, not stream 0 (RFC 9113 section 6.1)
            HEADERS      | END_HEADERS | 0000                | HEADERS frame on stream 0: must be on a stream, not stream 0
            PRIORITY     | 0           | 0000000010          | PRIORITY frame on stream 0: must be on a stream, not stream 0
            RST_STREAM   | 0           | 00000008            | RST_STREAM frame on stream 0: must be on a stream, not stream 0
            PUSH_PROMISE | END_HEADERS | 00000002            | PUSH_PROMISE frame on stream 0: must be on a stream, not stream 0
            CONTINUATION | END_HEADERS | 0000                | CONTINUATION frame on stream 0: no HEADERS or PUSH_PROMISE
            """)
    void aStreamsFrameOnStreamZeroIsAProtocolError(String type, String flags, String payloadHex, String message) {
        byte[] payload = java.util.HexFormat.of().parseHex(payloadHex);

        assertConnectionError(failure(frame(typeCode(type), flagBits(flags), 0, payload)), ErrorCode.PROTOCOL_ERROR,
                message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SETTINGS | 0                | SETTINGS frame on stream 1: must be on stream 0 (RFC 9113 section 6.5)
            PING     | 0000000000000000 | PING frame on stream 1: must be on stream 0 (RFC 9113 section 6.7)
            GOAWAY   | 0000000000000000 | GOAWAY frame on stream 1: must be on stream 0 (RFC 9113 section 6.8)
            """)
    void aConnectionFrameOnAStreamIsAProtocolError(String type, String payloadHex, String message) {
        byte[] payload = payloadHex.equals("0") ? new byte[0] : java.util.HexFormat.of().parseHex(payloadHex);

        assertConnectionError(failure(frame(typeCode(type), 0, 1, payload)), ErrorCode.PROTOCOL_ERROR, message);
    }

    @Test
    void dataPaddingAsLongAsThePayloadIsAProtocolError() {
        byte[] padded = frame(DATA, PADDED, 1, concat(number(4, 1), ascii("abc")));

        assertConnectionError(failure(padded), ErrorCode.PROTOCOL_ERROR,
                "DATA frame on stream 1: pad length 4 is over the 3 bytes of payload after the pad length (RFC 9113 section 6.1)");
    }

    @Test
    void headersPaddingThatReachesIntoThePriorityFieldsIsAProtocolError() {
        byte[] padded = frame(HEADERS, PADDED | PRIORITY_FLAG | END_HEADERS, 1, concat(number(3, 1), new byte[5], ascii("ab")));

        assertConnectionError(failure(padded), ErrorCode.PROTOCOL_ERROR,
                "HEADERS frame on stream 1: pad length 3 is over the 2 bytes of payload after the pad length and 5 bytes of fields");
    }

    @Test
    void pushPromisePaddingThatReachesIntoThePromisedStreamIsAProtocolError() {
        byte[] padded = frame(PUSH_PROMISE, PADDED | END_HEADERS, 1, concat(number(1, 1), number(2, 4)));

        assertConnectionError(failure(padded), ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE frame on stream 1: pad length 1 is over the 0 bytes");
    }

    @ParameterizedTest(name = "{0} on stream {1}")
    @CsvSource(delimiter = '|', textBlock = """
            DATA         | 1 | 61                 | DATA frame on stream 1 inside the header block of stream 1: only CONTINUATION frames of that stream may follow
            HEADERS      | 1 | 61                 | HEADERS frame on stream 1 inside the header block of stream 1
            CONTINUATION | 3 | 61                 | CONTINUATION frame on stream 3 inside the header block of stream 1
            PRIORITY     | 1 | 0000000010         | PRIORITY frame on stream 1 inside the header block of stream 1
            SETTINGS     | 0 | 000200000000       | SETTINGS frame on stream 0 inside the header block of stream 1
            PING         | 0 | 0000000000000000   | PING frame on stream 0 inside the header block of stream 1
            UNKNOWN      | 1 | 61                 | type 0xfa frame on stream 1 inside the header block of stream 1
            """)
    void anyFrameButAContinuationOfTheSameStreamInsideAHeaderBlockIsAProtocolError(String type, int streamId,
            String payloadHex, String message) {
        byte[] open = frame(HEADERS, 0, 1, ascii("a"));
        byte[] interloper = frame(typeCode(type), 0, streamId, java.util.HexFormat.of().parseHex(payloadHex));

        assertConnectionError(failure(open, interloper), ErrorCode.PROTOCOL_ERROR, message);
        assertThat(reader.inHeaderBlock()).isTrue();
    }

    @Test
    void aPushPromiseBlockIsAsContiguousAsAHeadersBlock() {
        byte[] open = frame(PUSH_PROMISE, 0, 1, concat(number(2, 4), ascii("a")));

        assertConnectionError(failure(open, frame(DATA, 0, 1, ascii("x"))), ErrorCode.PROTOCOL_ERROR,
                "DATA frame on stream 1 inside the header block of stream 1");
    }

    @Test
    void aContinuationWithNoBlockOpenIsAProtocolError() {
        byte[] complete = frame(HEADERS, END_HEADERS, 1, ascii("a"));

        assertConnectionError(failure(complete, frame(CONTINUATION, END_HEADERS, 1, ascii("b"))), ErrorCode.PROTOCOL_ERROR,
                "CONTINUATION frame on stream 1: no HEADERS or PUSH_PROMISE without END_HEADERS before it (RFC 9113 section 6.10)");
    }

    @Test
    void aHeaderBlockInOneFrameOverTheByteLimitIsEnhanceYourCalm() throws Http2Exception {
        byte[] atLimit = frame(HEADERS, END_HEADERS | PADDED, 1, concat(number(100, 1), new byte[MAX_BLOCK], new byte[100]));
        reader.read(ByteBuffer.wrap(atLimit), handler);

        assertConnectionError(failure(frame(HEADERS, END_HEADERS, 3, new byte[MAX_BLOCK + 1])), ErrorCode.ENHANCE_YOUR_CALM,
                "HEADERS frame on stream 3 brings its header block to 65 encoded bytes, over the limit of 64");
        assertThat(handler.events()).hasSize(1);
    }

    @Test
    void aContinuationOverTheByteLimitFailsOnItsHeaderBeforeThePayloadIsBuffered() {
        byte[] open = frame(HEADERS, 0, 1, new byte[MAX_BLOCK - 4]);

        assertConnectionError(failure(open, frame(5, CONTINUATION, END_HEADERS, 1)), ErrorCode.ENHANCE_YOUR_CALM,
                "CONTINUATION frame on stream 1 brings its header block to 65 encoded bytes, over the limit of 64");
        assertThat(reader.blockCapacity()).isLessThanOrEqualTo(MAX_BLOCK);
    }

    @Test
    void aContinuationFloodFailsOnTheFirstFrameOverTheLimitNotAfterReadingItAll() throws Http2Exception {
        byte[] open = frame(HEADERS, 0, 1, ascii("a"));
        byte[] empty = frame(CONTINUATION, 0, 1);
        reader.read(ByteBuffer.wrap(open), handler);
        int accepted = 0;
        Throwable thrown = null;
        while (thrown == null && accepted < 10_000) {
            thrown = catchThrowable(() -> reader.read(ByteBuffer.wrap(empty), handler));
            accepted += thrown == null ? 1 : 0;
        }

        assertThat(accepted).isEqualTo(MAX_CONTINUATIONS);
        assertConnectionError(thrown, ErrorCode.ENHANCE_YOUR_CALM,
                "CONTINUATION frame on stream 1: CONTINUATION flood, frame 9 of one header block is over the limit of 8");
    }

    @Test
    void tenThousandEmptyContinuationsInOneReadStopAtTheLimit() {
        byte[] open = frame(HEADERS, 0, 1, ascii("a"));
        ByteBuffer src = ByteBuffer.wrap(concat(open, repeat(frame(CONTINUATION, 0, 1), 10_000)));

        Throwable thrown = catchThrowable(() -> reader.read(src, handler));

        assertConnectionError(thrown, ErrorCode.ENHANCE_YOUR_CALM, "CONTINUATION flood");
        assertThat(src.position()).isLessThanOrEqualTo(open.length + 9 * (MAX_CONTINUATIONS + 1));
    }

    @Test
    void aBlockOfExactlyTheMostContinuationsIsDeliveredAndTheCountStartsAgainForTheNext() throws Http2Exception {
        byte[] block = concat(frame(HEADERS, 0, 1, ascii("a")), repeat(frame(CONTINUATION, 0, 1, ascii("b")), MAX_CONTINUATIONS - 1),
                frame(CONTINUATION, END_HEADERS, 1, ascii("c")));

        reader.read(ByteBuffer.wrap(concat(block, block)), handler);

        assertThat(handler.events()).containsExactly("HEADERS 1 \"abbbbbbbc\"", "HEADERS 1 \"abbbbbbbc\"");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            2 | 2          | 1 | SETTINGS frame on stream 0: SETTINGS_ENABLE_PUSH=2 is neither 0 nor 1 (RFC 9113 section 6.5)
            2 | 4294967295 | 1 | SETTINGS_ENABLE_PUSH=4294967295 is neither 0 nor 1
            4 | 2147483648 | 3 | SETTINGS frame on stream 0: SETTINGS_INITIAL_WINDOW_SIZE=2147483648 is over 2^31-1
            5 | 16383      | 1 | SETTINGS frame on stream 0: SETTINGS_MAX_FRAME_SIZE=16383 is outside 16384..16777215
            5 | 16777216   | 1 | SETTINGS_MAX_FRAME_SIZE=16777216 is outside 16384..16777215
            """)
    void aSettingOutOfItsRangeIsAConnectionError(int id, long value, long errorCode, String message) {
        byte[] settings = frame(SETTINGS, 0, 0, concat(RawFrames.setting(Setting.HEADER_TABLE_SIZE, 0), RawFrames.setting(id, value)));

        assertConnectionError(failure(settings), errorCode, message);
        assertThat(handler.events()).isEmpty();
    }

    @Test
    void settingsAtTheEdgesOfTheirRangesAreAccepted() throws Http2Exception {
        reader.read(ByteBuffer.wrap(frame(SETTINGS, 0, 0, concat(RawFrames.setting(Setting.INITIAL_WINDOW_SIZE, 0x7fff_ffffL),
                RawFrames.setting(Setting.MAX_FRAME_SIZE, 16_384), RawFrames.setting(Setting.MAX_FRAME_SIZE, 16_777_215),
                RawFrames.setting(Setting.ENABLE_PUSH, 1)))), handler);

        assertThat(handler.events()).containsExactly("SETTINGS [SETTINGS_INITIAL_WINDOW_SIZE=2147483647, "
                + "SETTINGS_MAX_FRAME_SIZE=16384, SETTINGS_MAX_FRAME_SIZE=16777215, SETTINGS_ENABLE_PUSH=1]");
    }

    @Test
    void aZeroWindowIncrementOnAStreamIsAStreamErrorAndReadingGoesOn() throws Http2Exception {
        byte[] zero = frame(WINDOW_UPDATE, 0, 5, number(0x8000_0000L, 4));
        ByteBuffer src = ByteBuffer.wrap(concat(zero, frame(WINDOW_UPDATE, 0, 5, number(1, 4))));

        Throwable thrown = catchThrowable(() -> reader.read(src, handler));

        assertThat(thrown).isInstanceOfSatisfying(Http2Exception.class, e -> {
            assertThat(e.isConnectionError()).isFalse();
            assertThat(e.streamId()).isEqualTo(5);
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
            assertThat(e).hasMessage("WINDOW_UPDATE frame on stream 5: increment 0 (RFC 9113 section 6.9)");
        });
        reader.read(src, handler);
        assertThat(handler.events()).containsExactly("WINDOW_UPDATE 5 1");
    }

    @Test
    void aZeroWindowIncrementOnTheConnectionIsAConnectionError() {
        assertConnectionError(failure(frame(WINDOW_UPDATE, 0, 0, number(0, 4))), ErrorCode.PROTOCOL_ERROR,
                "WINDOW_UPDATE frame on stream 0: increment 0 (RFC 9113 section 6.9)");
    }

    @Test
    void afterAConnectionErrorTheReaderRefusesToReadOn() {
        failure(frame(RawFrames.PING, 0, 1, new byte[8]));

        assertThatThrownBy(() -> reader.read(ByteBuffer.wrap(frame(DATA, 0, 1)), handler))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("reader spent by a connection error: PING frame on stream 1: must be on stream 0 (RFC 9113 section 6.7)");
    }

    private Http2Exception failure(byte[]... frames) {
        Throwable thrown = catchThrowable(() -> reader.read(ByteBuffer.wrap(concat(frames)), handler));
        assertThat(thrown).isInstanceOf(Http2Exception.class);
        return (Http2Exception) thrown;
    }

    private static void assertConnectionError(Throwable thrown, long errorCode, String message) {
        assertThat(thrown).isInstanceOfSatisfying(Http2Exception.class, e -> {
            assertThat(e.isConnectionError()).as("connection error: %s", e.getMessage()).isTrue();
            assertThat(ErrorCode.describe(e.errorCode())).as("code of %s", e.getMessage())
                    .isEqualTo(ErrorCode.describe(errorCode));
            assertThat(e.getMessage()).contains(message);
        });
    }

    private static int typeCode(String name) {
        return switch (name) {
            case "DATA" -> DATA;
            case "HEADERS" -> HEADERS;
            case "PRIORITY" -> PRIORITY;
            case "RST_STREAM" -> RawFrames.RST_STREAM;
            case "SETTINGS" -> SETTINGS;
            case "PUSH_PROMISE" -> PUSH_PROMISE;
            case "PING" -> RawFrames.PING;
            case "GOAWAY" -> RawFrames.GOAWAY;
            case "WINDOW_UPDATE" -> WINDOW_UPDATE;
            case "CONTINUATION" -> CONTINUATION;
            default -> 0xfa;
        };
    }

    /** Flags by name, space-separated; "0" or "1" as the bits themselves. */
    private static int flagBits(String names) {
        int bits = 0;
        for (String name : names.split(" ")) {
            bits |= switch (name) {
                case "PADDED" -> PADDED;
                case "PRIORITY" -> PRIORITY_FLAG;
                case "END_HEADERS" -> END_HEADERS;
                default -> Integer.parseInt(name);
            };
        }
        return bits;
    }
}
