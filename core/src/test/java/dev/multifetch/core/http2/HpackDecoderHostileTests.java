package dev.multifetch.core.http2;

import static dev.multifetch.core.http2.HpackBlocks.decode;
import static dev.multifetch.core.http2.HpackBlocks.hex;
import static dev.multifetch.core.http2.HpackBlocks.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * What a hostile or broken server can send the decoder: bombs, floods, malformed integers,
 * strings, indices and table size updates. Each ends the connection with ENHANCE_YOUR_CALM (a
 * limit) or COMPRESSION_ERROR (a malformed encoding), before memory grows with the attack.
 */
class HpackDecoderHostileTests {

    private static final int MAX_LIST_BYTES = 65536;
    private static final int MAX_FIELDS = 1000;

    private final HpackDecoder decoder = new HpackDecoder(4096, MAX_LIST_BYTES, MAX_FIELDS);
    private final List<String> decoded = new ArrayList<>();

    @Test
    void whenA4KibEntryIsReferenced10000TimesThenTheBombFailsAtTheDecodedByteLimit() {
        HpackDecoder roomy = new HpackDecoder(4096, MAX_LIST_BYTES, 100_000);
        ByteOutput block = new ByteOutput(16_384);
        literal(block, 0x40, "bomb", "a".repeat(4000)); // entry size 4036
        for (int i = 0; i < 10_000; i++) {
            block.write(0xbe); // index 62, the entry
        }
        int[] fields = {0};
        ByteBuffer bytes = ByteBuffer.wrap(block.toByteArray());
        long allocatedBefore = allocatedBytes();

        assertThatThrownBy(() -> roomy.decode(bytes, (name, value) -> fields[0]++))
                .satisfies(e -> assertCode(e, ErrorCode.ENHANCE_YOUR_CALM))
                .hasMessageContaining("header block exceeds 65536 decoded bytes (HPACK bomb?) at field 17");
        assertThat(allocatedBytes() - allocatedBefore).as("bytes allocated by the decoder").isLessThan(1 << 20);
        assertThat(fields[0]).as("16 x 4036 bytes fit in 65536").isEqualTo(16);
    }

    @Test
    void whenFiftyThousandOneByteReferencesArriveThenTheFieldLimitStopsThem() {
        byte[] block = new byte[4 + 50_000];
        System.arraycopy(hex("4001 6100"), 0, block, 0, 4); // "a: " into the table
        Arrays.fill(block, 4, block.length, (byte) 0xbe);

        assertFailure(block, ErrorCode.ENHANCE_YOUR_CALM).hasMessage("header block has more than 1000 fields");
        assertThat(decoded).hasSize(MAX_FIELDS);
    }

    @Test
    void whenABlockAddsMoreThan512LiteralsToTheTableThenEnhanceYourCalm() {
        HpackDecoder roomy = new HpackDecoder(4096, 1 << 20, 10_000);
        ByteOutput block = new ByteOutput(4096);
        for (int i = 0; i < 513; i++) {
            literal(block, 0x40, "x", Integer.toString(i));
        }

        assertFailure(roomy, block.toByteArray(), ErrorCode.ENHANCE_YOUR_CALM)
                .hasMessageContaining("more than 512 fields to the HPACK dynamic table");
    }

    @Test
    void whenALiteralValueExceedsTheDecodedByteLimitThenItFailsBeforeBeingRead() {
        HpackDecoder strict = new HpackDecoder(4096, 100, MAX_FIELDS);
        ByteOutput block = new ByteOutput(128);
        literal(block, 0x00, "n", "v".repeat(68)); // 1 + 68 + 32 = 101

        assertFailure(strict, block.toByteArray(), ErrorCode.ENHANCE_YOUR_CALM)
                .hasMessageContaining("exceeds 100 decoded bytes (HPACK bomb?) at field 1");
    }

    @Test
    void whenAHuffmanStringIsLongerThanTheDecodedByteLimitThenEnhanceYourCalm() {
        HpackDecoder strict = new HpackDecoder(4096, 100, MAX_FIELDS);
        byte[] head = hex("00 01 6e e7"); // literal name "n", then a Huffman value of 103 bytes
        byte[] block = Arrays.copyOf(head, head.length + 103);

        assertFailure(strict, block, ErrorCode.ENHANCE_YOUR_CALM)
                .hasMessageContaining("Huffman string of 103 encoded bytes exceeds the header block limit of 100");
    }

    @Test
    void whenAnIntegerOverflowsThirtyOneBitsThenCompressionError() {
        assertFailure(hex("ff ff ff ff ff 0f"), ErrorCode.COMPRESSION_ERROR)
                .hasMessageContaining("HPACK integer exceeds 2^31-1");
        assertFailure(hex("ff ff ff ff ff ff ff ff ff ff ff"), ErrorCode.COMPRESSION_ERROR)
                .hasMessageContaining("HPACK integer exceeds 2^31-1");
    }

    @Test
    void whenAnIntegerHasMoreThanFiveContinuationBytesThenCompressionError() {
        assertFailure(hex("ff 80 80 80 80 80 00"), ErrorCode.COMPRESSION_ERROR)
                .hasMessageContaining("HPACK integer continues past 5 bytes");
    }

    @Test
    void whenAnIntegerIsCutOffThenCompressionError() {
        assertFailure(hex("ff 80"), ErrorCode.COMPRESSION_ERROR).hasMessageContaining("HPACK integer cut off");
    }

    @Test
    void largestIntegerIsReadAndThenRejectedAsAnIndex() {
        // 127 + 0x7fffff80 = 2^31-1
        assertFailure(hex("ff 80 ff ff ff 07"), ErrorCode.COMPRESSION_ERROR)
                .hasMessageContaining("HPACK index 2147483647 is beyond the static and dynamic tables (61 + 0 entries)");
    }

    @Test
    void whenAStringIsLongerThanTheRestOfTheBlockThenCompressionError() {
        assertFailure(hex("40 0a 6162"), ErrorCode.COMPRESSION_ERROR)
                .hasMessageContaining("HPACK string of 10 bytes is longer than the 2 bytes left in the block");
        assertFailure(hex("40 7f 80 ff ff ff 07"), ErrorCode.COMPRESSION_ERROR)
                .hasMessageContaining("HPACK string of 2147483647 bytes is longer than the 0 bytes left");
    }

    @Test
    void whenAStringIsMissingThenCompressionError() {
        assertFailure(hex("40"), ErrorCode.COMPRESSION_ERROR).hasMessageContaining("HPACK string missing");
    }

    @Test
    void whenIndexIsZeroThenCompressionError() {
        assertFailure(hex("80"), ErrorCode.COMPRESSION_ERROR).hasMessageContaining("HPACK index 0");
    }

    @Test
    void whenIndexIsBeyondBothTablesThenCompressionError() throws Http2Exception {
        decode(decoder, hex("4001 6100"));

        assertFailure(hex("bf"), ErrorCode.COMPRESSION_ERROR)
                .hasMessageContaining("HPACK index 63 is beyond the static and dynamic tables (61 + 1 entries)");
        assertFailure(hex("7f 01 01 78"), ErrorCode.COMPRESSION_ERROR).hasMessageContaining("HPACK index 64");
    }

    @Test
    void whenTableSizeUpdateAboveLimitThenCompressionError() {
        assertFailure(hex("3f e2 1f"), ErrorCode.COMPRESSION_ERROR)
                .hasMessageContaining("size update to 4097 exceeds our SETTINGS_HEADER_TABLE_SIZE of 4096");
    }

    @Test
    void whenTableSizeUpdateFollowsAFieldThenCompressionError() {
        assertFailure(hex("82 20"), ErrorCode.COMPRESSION_ERROR)
                .hasMessageContaining("size update to 0 after field 1: updates may only start a block");
    }

    @Test
    void sizeUpdatesAtTheStartOfABlockShrinkThenRestoreTheTable() throws Http2Exception {
        decode(decoder, hex("4001 6100 4001 6200"));
        assertThat(table(decoder)).containsExactly("b: ", "a: ");

        assertThat(decode(decoder, hex("20 3f e1 1f 82"))).containsExactly(":method: GET");

        assertThat(decoder.tableLength()).isZero();
        assertThat(decode(decoder, hex("4001 6300 be"))).containsExactly("c: ", "c: ");
    }

    @Test
    void sizeUpdateEvictsTheOldestEntriesFirst() throws Http2Exception {
        decode(decoder, hex("4001 6100 4001 6200")); // two entries of 33 bytes

        decode(decoder, hex("3f 03")); // 34 bytes

        assertThat(table(decoder)).containsExactly("b: ");
        assertThat(decoder.tableSize()).isEqualTo(33);
    }

    @Test
    void anEntryLargerThanTheTableEmptiesItAndIsNotAdded() throws Http2Exception {
        HpackDecoder small = new HpackDecoder(40, MAX_LIST_BYTES, MAX_FIELDS);
        decode(small, hex("4001 6100"));
        ByteOutput block = new ByteOutput(64);
        literal(block, 0x40, "big", "value12"); // 3 + 7 + 32 = 42

        assertThat(decode(small, block.toByteArray())).containsExactly("big: value12");
        assertThat(small.tableLength()).isZero();
    }

    @Test
    void twoBlocksInSequenceShareTheDynamicTable() throws Http2Exception {
        ByteOutput first = new ByteOutput(64);
        literal(first, 0x40, "x-trace", "abc");
        literal(first, 0x40, "x-span", "def");

        assertThat(decode(decoder, first.toByteArray())).containsExactly("x-trace: abc", "x-span: def");
        assertThat(decode(decoder, hex("bf be 7e 03 676869"))).containsExactly("x-trace: abc", "x-span: def",
                "x-span: ghi");
        assertThat(table(decoder)).containsExactly("x-span: ghi", "x-span: def", "x-trace: abc");
    }

    @Test
    void whenHuffmanPaddingIsBadInsideABlockThenCompressionError() {
        assertFailure(hex("40 81 18 00"), ErrorCode.COMPRESSION_ERROR).hasMessageContaining("padding");
    }

    @Test
    void whenTheSinkFailsThenDecodingStopsWithItsException() {
        Http2Exception streamError = Http2Exception.stream(ErrorCode.PROTOCOL_ERROR, 1, "upper case name");

        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(hex("82 84")), (name, value) -> {
            throw streamError;
        })).isSameAs(streamError);
    }

    @Test
    void whenLimitsAreNonsenseThenConstructorRefusesThem() {
        assertThatThrownBy(() -> new HpackDecoder(-1, 100, 10)).hasMessage("maxTableSize < 0: -1");
        assertThatThrownBy(() -> new HpackDecoder(4096, 31, 10)).hasMessage("maxHeaderListBytes < 32: 31");
        assertThatThrownBy(() -> new HpackDecoder(4096, 100, 0)).hasMessage("maxFields < 1: 0");
    }

    /** Decodes {@code block} with this test's decoder, its fields into {@link #decoded}; the failure. */
    private AbstractThrowableAssert<?, ? extends Throwable> assertFailure(byte[] block, long code) {
        return assertFailure(decoder, block, code);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertFailure(HpackDecoder with, byte[] block, long code) {
        return assertThatThrownBy(() -> with.decode(ByteBuffer.wrap(block),
                (name, value) -> decoded.add(name + ": " + value))).satisfies(e -> assertCode(e, code));
    }

    private static void assertCode(Throwable e, long code) {
        assertThat(e).isInstanceOf(Http2Exception.class);
        Http2Exception h2 = (Http2Exception) e;
        assertThat(ErrorCode.describe(h2.errorCode())).isEqualTo(ErrorCode.describe(code));
        assertThat(h2.isConnectionError()).isTrue();
    }

    /** A literal with a literal name, raw strings; {@code flags} picks the representation. */
    private static void literal(ByteOutput out, int flags, String name, String value) {
        out.write(flags);
        HpackEncoder.writeInt(out, 0, 7, name.length());
        out.write(name.getBytes(StandardCharsets.ISO_8859_1), 0, name.length());
        HpackEncoder.writeInt(out, 0, 7, value.length());
        out.write(value.getBytes(StandardCharsets.ISO_8859_1), 0, value.length());
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
