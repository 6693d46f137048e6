package dev.multifetch.core.http2;

import static dev.multifetch.core.http2.HpackBlocks.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Huffman code of RFC 7541 Appendix B: round trips, the RFC's own codes, and what a decoder must reject. */
class HpackHuffmanTests {

    @Test
    void everyByteValueRoundTripsAlone() throws Http2Exception {
        for (int b = 0; b < 256; b++) {
            String s = String.valueOf((char) b);
            assertThat(roundTrip(s)).as("byte 0x%02x", b).isEqualTo(s);
        }
    }

    @Test
    void allByteValuesRoundTripInOneString() throws Http2Exception {
        StringBuilder all = new StringBuilder();
        for (int b = 255; b >= 0; b--) {
            all.append((char) b);
        }
        assertThat(roundTrip(all.toString())).isEqualTo(all.toString());
    }

    @Test
    void randomStringsRoundTrip() throws Http2Exception {
        Random random = new Random(7541);
        for (int i = 0; i < 2000; i++) {
            char[] chars = new char[random.nextInt(100)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = (char) (random.nextBoolean() ? 'a' + random.nextInt(26) : random.nextInt(256));
            }
            String s = new String(chars);
            assertThat(roundTrip(s)).isEqualTo(s);
        }
    }

    @Test
    void codesAreThoseOfAppendixB() {
        // '/' is 011000 (the RFC's own example), '0' 00000, 0x00 1111111111000, 0xff 26 bits 3ffffee
        assertThat(encode("/")).isEqualTo(hex("63"));
        assertThat(encode("00")).isEqualTo(hex("003f"));
        assertThat(encode("\u0000")).isEqualTo(hex("ffc7"));
        assertThat(encode("\u00ff")).isEqualTo(hex("fffffbbf"));
        assertThat(encode("www.example.com")).isEqualTo(hex("f1e3c2e5f23a6ba0ab90f4ff"));
        assertThat(encode("custom-key")).isEqualTo(hex("25a849e95ba97d7f"));
    }

    @Test
    void encodedLengthCountsWholeBytes() {
        assertThat(Huffman.encodedLength("")).isZero();
        assertThat(Huffman.encodedLength("0")).isEqualTo(1);
        assertThat(Huffman.encodedLength("www.example.com")).isEqualTo(12);
        assertThat(Huffman.encodedLength("\u00ff")).isEqualTo(4);
    }

    @Test
    void whenCharIsAboveLatin1ThenEncodedLengthRefusesIt() {
        assertThatThrownBy(() -> Huffman.encodedLength("caf\u20ac"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("caf\u20ac");
    }

    @Test
    void whenPaddingIsNotAllOnesThenCompressionError() {
        // 'a' is 00011, padded with 000 instead of 111
        assertRejected("18", "padding");
    }

    @Test
    void whenPaddingIsLongerThanSevenBitsThenCompressionError() {
        // 'a' with its three padding bits, then a whole byte more of 1s
        assertRejected("1fff", "longer than 7 bits");
        assertRejected("ff", "longer than 7 bits");
    }

    @Test
    void whenStringEndsInsideASymbolOfZerosThenCompressionError() {
        // 0xfe is 11111110: the first bits of '!' (1111111000), not padding
        assertRejected("fe", "padding");
    }

    @Test
    void whenEosIsInsideTheStringThenCompressionError() {
        // EOS is thirty 1s: here alone, then after 'a'
        assertRejected("ffffffff", "EOS");
        assertRejected("1fffffffff", "EOS");
    }

    @Test
    void emptyStringDecodesToNothing() throws Http2Exception {
        assertThat(Huffman.decode(ByteBuffer.allocate(0), 0, new byte[0])).isZero();
    }

    private static String roundTrip(String s) throws Http2Exception {
        byte[] encoded = encode(s);
        assertThat(encoded).hasSize(Huffman.encodedLength(s));
        byte[] decoded = new byte[Huffman.maxDecodedLength(encoded.length)];
        int length = Huffman.decode(ByteBuffer.wrap(encoded), encoded.length, decoded);
        return new String(decoded, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static byte[] encode(String s) {
        ByteOutput out = new ByteOutput(16);
        Huffman.encode(s, out);
        return out.toByteArray();
    }

    private static void assertRejected(String hexCode, String why) {
        byte[] code = hex(hexCode);
        assertThatThrownBy(() -> Huffman.decode(ByteBuffer.wrap(code), code.length, new byte[16]))
                .isInstanceOfSatisfying(Http2Exception.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.COMPRESSION_ERROR);
                    assertThat(e.isConnectionError()).isTrue();
                })
                .hasMessageContaining(why);
    }
}
