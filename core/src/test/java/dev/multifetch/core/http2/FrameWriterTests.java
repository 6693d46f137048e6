package dev.multifetch.core.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frame writer's bytes, checked against RFC 9113's layouts written out by hand (header:
 * length 3 bytes, type, flags, stream id 4 bytes), and its refusal of arguments a peer would reject.
 */
class FrameWriterTests {

    private static final int MAX_FRAME = 16_384;

    private final ByteOutput out = new ByteOutput(16);

    @Test
    void thePrefaceIsTheTwentyFourOctetsOfTheRfc() {
        assertThat(new String(FrameWriter.PREFACE, StandardCharsets.US_ASCII)).isEqualTo("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        assertThat(FrameWriter.PREFACE).hasSize(24);
    }

    @Test
    void settingsAreWrittenAsIdAndValuePairsOnStreamZero() {
        FrameWriter.settings(out, List.of(new Setting(Setting.ENABLE_PUSH, 0), new Setting(Setting.INITIAL_WINDOW_SIZE,
                0xffff_fffeL), new Setting(0xabcd, 1)));
        FrameWriter.settings(out, List.of());
        FrameWriter.settingsAck(out);

        assertThat(hex()).isEqualTo("000012" + "04" + "00" + "00000000" + "0002" + "00000000" + "0004" + "fffffffe"
                + "abcd" + "00000001"
                + "000000" + "04" + "00" + "00000000"
                + "000000" + "04" + "01" + "00000000");
    }

    @Test
    void headersThatFitAreOneFrameWithEndHeaders() {
        byte[] block = {9, 1, 2, 3, 9};
        FrameWriter.headers(out, 0x7fff_ffff, true, block, 1, 3, MAX_FRAME);
        FrameWriter.headers(out, 3, false, block, 0, 0, MAX_FRAME);

        assertThat(hex()).isEqualTo("000003" + "01" + "05" + "7fffffff" + "010203"
                + "000000" + "01" + "04" + "00000003");
    }

    @Test
    void headersLongerThanTheMaxFrameSizeGoOnInContinuationFrames() {
        byte[] block = new byte[2 * MAX_FRAME + 100];
        FrameWriter.headers(out, 1, true, block, 0, block.length, MAX_FRAME);

        assertThat(frameHeaders()).containsExactly("length 16384 type 1 flags 0x1 stream 1",
                "length 16384 type 9 flags 0x0 stream 1", "length 100 type 9 flags 0x4 stream 1");
        assertThat(out.size()).isEqualTo(3 * 9 + block.length);
    }

    @Test
    void headersOfExactlyTheMaxFrameSizeNeedNoContinuation() {
        FrameWriter.headers(out, 1, false, new byte[MAX_FRAME], 0, MAX_FRAME, MAX_FRAME);

        assertThat(frameHeaders()).containsExactly("length 16384 type 1 flags 0x4 stream 1");
    }

    @Test
    void dataConsumesJustItsLengthOfTheSource() {
        ByteBuffer src = ByteBuffer.wrap("abcdef".getBytes(StandardCharsets.US_ASCII));
        src.position(1);

        FrameWriter.data(out, 3, true, src, 3);

        assertThat(hex()).isEqualTo("000003" + "00" + "01" + "00000003" + "626364");
        assertThat(src.position()).isEqualTo(4);
        assertThat(src.limit()).isEqualTo(6);
    }

    @Test
    void controlFramesAreLaidOutAsTheRfcDraws() {
        FrameWriter.windowUpdate(out, 0, 0x7fff_ffff);
        FrameWriter.rstStream(out, 5, ErrorCode.REFUSED_STREAM);
        FrameWriter.ping(out, true, 0x0102_0304_0506_0708L);
        FrameWriter.goAway(out, 7, ErrorCode.ENHANCE_YOUR_CALM, new byte[] {'h', 'i'});

        assertThat(hex()).isEqualTo("000004" + "08" + "00" + "00000000" + "7fffffff"
                + "000004" + "03" + "00" + "00000005" + "00000007"
                + "000008" + "06" + "01" + "00000000" + "0102030405060708"
                + "00000a" + "07" + "00" + "00000000" + "00000007" + "0000000b" + "6869");
    }

    @Test
    void argumentsAPeerWouldRejectFailAtOnce() {
        assertThatThrownBy(() -> FrameWriter.data(out, 0, false, ByteBuffer.allocate(1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("DATA needs a stream id > 0: 0");
        assertThatThrownBy(() -> FrameWriter.data(out, 1, false, ByteBuffer.allocate(1), 2))
                .hasMessage("DATA length outside 0..1: 2");
        assertThatThrownBy(() -> FrameWriter.headers(out, -1, false, new byte[1], 0, 1, MAX_FRAME))
                .hasMessage("HEADERS needs a stream id > 0: -1");
        assertThatThrownBy(() -> FrameWriter.headers(out, 1, false, new byte[1], 0, 1, 16_383))
                .hasMessage("max frame size outside 16384..16777215: 16383");
        assertThatThrownBy(() -> FrameWriter.headers(out, 1, false, new byte[1], 1, 1, MAX_FRAME))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FrameWriter.rstStream(out, 0, ErrorCode.CANCEL))
                .hasMessage("RST_STREAM needs a stream id > 0: 0");
        assertThatThrownBy(() -> FrameWriter.rstStream(out, 1, -1)).hasMessage("error code outside 0..0xffffffff: -1");
        assertThatThrownBy(() -> FrameWriter.windowUpdate(out, 1, 0))
                .hasMessage("WINDOW_UPDATE increment outside 1..2^31-1: 0");
        assertThatThrownBy(() -> FrameWriter.windowUpdate(out, -1, 1)).hasMessage("WINDOW_UPDATE stream id < 0: -1");
        assertThatThrownBy(() -> FrameWriter.goAway(out, -1, 0, new byte[0])).hasMessage("GOAWAY last stream id < 0: -1");
        assertThatThrownBy(() -> FrameWriter.goAway(out, 1, 1L << 32, new byte[0]))
                .hasMessage("error code outside 0..0xffffffff: 4294967296");
        assertThatThrownBy(() -> FrameWriter.goAway(out, 1, 0, new byte[MAX_FRAME]))
                .hasMessage("GOAWAY debug data over 16376 bytes: 16384");
        assertThatThrownBy(() -> FrameWriter.settings(out, Collections.nCopies(2731, new Setting(1, 0))))
                .hasMessage("too many settings for one frame: 2731");
        assertThat(out.size()).as("bytes written by refused calls").isZero();
    }

    @Test
    void aSettingOutsideItsFieldsIsRefused() {
        assertThatThrownBy(() -> new Setting(0x10000, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("setting id out of 0..0xffff: 65536");
        assertThatThrownBy(() -> new Setting(1, 0x1_0000_0000L)).hasMessage("value of setting 1 out of 0..0xffffffff: 4294967296");
        assertThat(new Setting(0x1234, 5)).hasToString("setting 0x1234=5");
    }

    private String hex() {
        return HexFormat.of().formatHex(out.toByteArray());
    }

    /** The headers of the frames written, one line each, walking the output by their lengths. */
    private List<String> frameHeaders() {
        ByteBuffer bytes = ByteBuffer.wrap(out.toByteArray());
        List<String> headers = new ArrayList<>();
        while (bytes.hasRemaining()) {
            int length = (bytes.get() & 0xff) << 16 | (bytes.get() & 0xff) << 8 | bytes.get() & 0xff;
            headers.add("length " + length + " type " + bytes.get() + " flags 0x" + Integer.toHexString(bytes.get())
                    + " stream " + bytes.getInt());
            bytes.position(bytes.position() + length);
        }
        return headers;
    }
}
