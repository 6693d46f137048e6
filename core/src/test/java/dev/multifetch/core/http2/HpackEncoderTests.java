package dev.multifetch.core.http2;

import static dev.multifetch.core.http2.HpackBlocks.decode;
import static dev.multifetch.core.http2.HpackBlocks.encode;
import static dev.multifetch.core.http2.HpackBlocks.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The encoder's choices (indexing, secrets, Huffman, table size updates), and round trips through the decoder. */
class HpackEncoderTests {

    private static final String[] NAMES = {":method", ":scheme", ":authority", ":path", "user-agent", "accept",
        "accept-encoding", "authorization", "cookie", "content-type", "content-length", "x-request-id", "x-custom"};

    private final HpackEncoder encoder = new HpackEncoder(4096);

    @Test
    void authorizationIsNeverIndexedAndSentTheSameEachTime() {
        byte[] first = encode(encoder, "authorization: Bearer abc");
        byte[] second = encode(encoder, "authorization: Bearer abc");

        // never indexed (0001), name index 23 on four bits: 15 + 8
        assertThat(first).startsWith(hex("1f 08")).isEqualTo(second);
        assertThat(encoder.tableSize()).isZero();
    }

    @Test
    void shortCookiesAreNeverIndexedAndLongOnesAre() {
        encode(encoder, "cookie: id=1234567890abcdef"); // 19 bytes
        assertThat(encode(encoder, "cookie: id=1234567890abcdef")).startsWith(hex("1f 11"));
        assertThat(encoder.tableSize()).isZero();

        encode(encoder, "cookie: session=1234567890abcdefg"); // 24 bytes
        assertThat(encode(encoder, "cookie: session=1234567890abcdefg")).isEqualTo(hex("be"));
    }

    @Test
    void pathAndContentLengthAreNotIndexed() {
        // name indices 4 and 15 + 13, raw values: Huffman would not be shorter
        assertThat(encode(encoder, ":path: /a", "content-length: 12")).isEqualTo(hex("04 02 2f61 0f 0d 02 3132"));
        assertThat(encoder.tableSize()).isZero();
    }

    @Test
    void userAgentIsRememberedAndSentAsOneByteNextTime() {
        encode(encoder, "user-agent: multifetch/0.1");

        assertThat(encode(encoder, "user-agent: multifetch/0.1")).isEqualTo(hex("be"));
        assertThat(encode(encoder, "user-agent: multifetch/0.2")).startsWith(hex("7a"));
    }

    @Test
    void customNameInTheTableIsReusedByIndexForANewValue() {
        encode(encoder, "x-custom: one");

        assertThat(encode(encoder, "x-custom: two")).startsWith(hex("7e"));
    }

    @Test
    void valueIsRawWhenHuffmanIsNotShorter() {
        // two bytes whose codes are 26 bits or more: Huffman would take 7 bytes
        assertThat(encode(encoder, "x-custom: \u00fe\u00ff")).endsWith(hex("02 fe ff"));
    }

    @Test
    void entryLargerThanHalfTheTableIsNotIndexed() {
        HpackEncoder small = new HpackEncoder(100);
        small.beginBlock(new ByteOutput(8));

        small.field("x-custom", "a".repeat(11), new ByteOutput(32)); // 8 + 11 + 32 = 51 > 50

        assertThat(small.tableSize()).isZero();
    }

    @Test
    void whenOurTableIsSmallerThanTheDefaultThenTheFirstBlockSaysSo() {
        HpackEncoder small = new HpackEncoder(256);

        assertThat(encode(small, ":method: GET")).isEqualTo(hex("3fe101 82"));
        assertThat(encode(small, ":method: GET")).isEqualTo(hex("82"));
    }

    @Test
    void whenPeerShrinksThenGrowsItsTableThenTheNextBlockCarriesTheMinimumThenTheFinalSize() {
        encode(encoder, "x-custom: one");
        encoder.peerMaxTableSize(0);
        encoder.peerMaxTableSize(100);
        encoder.peerMaxTableSize(8192);

        assertThat(encode(encoder, "x-custom: one")).startsWith(hex("20 3f e1 1f 40"));
        assertThat(encode(encoder, "x-custom: one")).isEqualTo(hex("be"));
    }

    @Test
    void whenPeerShrinksItsTableThenOneUpdateAndTheOldestEntryEvicted() {
        encode(encoder, "x-custom: one", "x-other: two"); // 43 + 42 bytes
        encoder.peerMaxTableSize(50);

        assertThat(encode(encoder, "x-other: two")).isEqualTo(hex("3f 13 be"));
        assertThat(encoder.tableSize()).isEqualTo(42);
    }

    @Test
    void whenPeerRaisesItsTableAboveOursThenNoUpdate() {
        encoder.peerMaxTableSize(65536);

        assertThat(encode(encoder, ":method: GET")).isEqualTo(hex("82"));
    }

    @Test
    void whenInputIsNotOneBytePerCharOrSizeIsOutOfRangeThenIllegalArgument() {
        ByteOutput out = new ByteOutput(16);

        assertThatThrownBy(() -> encoder.field("x-custom", "\u20ac", out)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.peerMaxTableSize(-1)).hasMessage("SETTINGS_HEADER_TABLE_SIZE out of range: -1");
        assertThatThrownBy(() -> new HpackEncoder(-1)).hasMessage("maxTableSize < 0: -1");
    }

    @Test
    void integersOfAppendixC1() {
        assertThat(integer(5, 10)).isEqualTo(hex("0a"));
        assertThat(integer(5, 1337)).isEqualTo(hex("1f 9a 0a"));
        assertThat(integer(8, 42)).isEqualTo(hex("2a"));
    }

    @Test
    void randomRequestsRoundTripWithTablesInStepThroughSizeChanges() throws Http2Exception {
        Random random = new Random(20260822);
        HpackDecoder decoder = new HpackDecoder(4096, 1 << 20, 10_000);
        for (int block = 0; block < 500; block++) {
            if (random.nextInt(10) == 0) {
                encoder.peerMaxTableSize(random.nextInt(4097));
            }
            String[] fields = randomFields(random);

            assertThat(decode(decoder, encode(encoder, fields))).as("block %d", block).containsExactly(fields);
            assertThat(decoder.tableSize()).as("decoder's table after block %d", block).isEqualTo(encoder.tableSize());
        }
    }

    @Test
    void randomFieldsRoundTripThroughASmallTable() throws Http2Exception {
        Random random = new Random(7);
        HpackEncoder small = new HpackEncoder(128);
        HpackDecoder decoder = new HpackDecoder(4096, 1 << 20, 10_000);
        for (int block = 0; block < 300; block++) {
            String[] fields = randomFields(random);

            assertThat(decode(decoder, encode(small, fields))).containsExactly(fields);
            assertThat(decoder.tableSize()).isEqualTo(small.tableSize()).isLessThanOrEqualTo(128);
        }
    }

    private static String[] randomFields(Random random) {
        List<String> fields = new ArrayList<>();
        int count = random.nextInt(20);
        for (int i = 0; i < count; i++) {
            String name = random.nextInt(8) == 0 ? "x-" + random.nextInt(50) : NAMES[random.nextInt(NAMES.length)];
            fields.add(name + ": " + randomValue(random));
        }
        return fields.toArray(String[]::new);
    }

    /** Mostly a few repeated values, sometimes any bytes, sometimes long. */
    private static String randomValue(Random random) {
        return switch (random.nextInt(4)) {
            case 0, 1 -> "value-" + random.nextInt(6);
            case 2 -> {
                char[] chars = new char[random.nextInt(40)];
                for (int i = 0; i < chars.length; i++) {
                    chars[i] = (char) random.nextInt(256);
                }
                yield new String(chars);
            }
            default -> "v".repeat(random.nextInt(3000));
        };
    }

    private static byte[] integer(int prefixBits, int value) {
        ByteOutput out = new ByteOutput(8);
        HpackEncoder.writeInt(out, 0, prefixBits, value);
        return out.toByteArray();
    }
}
