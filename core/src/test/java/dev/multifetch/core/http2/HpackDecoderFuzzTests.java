package dev.multifetch.core.http2;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzing of the HPACK decoder with Jazzer. Whatever bytes a server sends as a header block, the
 * decoder gives fields within its limits, leaving its dynamic table within its size, or fails
 * with an {@link Http2Exception} that ends the connection with COMPRESSION_ERROR or
 * ENHANCE_YOUR_CALM; nothing else escapes. Each input is decoded twice on one decoder (the second
 * time against the table the first left), and gives the same answer from a heap or a direct buffer.
 *
 * <p>By default (and in CI) each method runs once per stored input in
 * {@code src/test/resources/dev/multifetch/core/http2/HpackDecoderFuzzTestsInputs/<method>/};
 * real fuzzing is one method at a time, with Jazzer's instrumentation turned back on:
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -pl core test -Djazzer.hooks=true -Djazzer.max_duration=10m \
 *     -Dtest='HpackDecoderFuzzTests#anyBlockDecodesWithinTheLimitsOrEndsTheConnection'
 * </pre>
 * A finding is written to that directory as {@code crash-<sha1>}: rename it {@code finding_<what>}.
 */
class HpackDecoderFuzzTests {

    /** Small, so that inputs of a few hundred bytes evict, and reach the limits. */
    private static final int MAX_TABLE_SIZE = 256;
    private static final int MAX_LIST_BYTES = 4096;
    private static final int MAX_FIELDS = 100;

    /** What decoding gave: the fields of each block decoded, then the error if one ended it. */
    private record Outcome(List<String> fields, String error) {
    }

    @FuzzTest(maxDuration = "5m")
    void anyBlockDecodesWithinTheLimitsOrEndsTheConnection(byte[] input) {
        Outcome heap = decodeTwice(input, ByteBuffer::wrap);
        Outcome direct = decodeTwice(input, bytes -> ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());

        assertThat(direct).as("decoded from a direct buffer").isEqualTo(heap);
    }

    private interface Buffers {
        ByteBuffer of(byte[] bytes);
    }

    private static Outcome decodeTwice(byte[] input, Buffers buffers) {
        HpackDecoder decoder = new HpackDecoder(MAX_TABLE_SIZE, MAX_LIST_BYTES, MAX_FIELDS);
        List<String> fields = new ArrayList<>();
        try {
            for (int block = 0; block < 2; block++) {
                ByteBuffer bytes = buffers.of(input);
                List<String> blockFields = new ArrayList<>();
                decoder.decode(bytes, (name, value) -> blockFields.add(name + ": " + value));
                assertThat(bytes.hasRemaining()).as("bytes left unread by decode").isFalse();
                assertWithinLimits(decoder, blockFields);
                fields.addAll(blockFields);
            }
        } catch (Http2Exception e) {
            assertThat(e.isConnectionError()).as("%s ends the connection", e).isTrue();
            assertThat(e.errorCode()).as("error code of %s", e).isIn(ErrorCode.COMPRESSION_ERROR, ErrorCode.ENHANCE_YOUR_CALM);
            assertThat(e.getMessage()).as("message of %s", e).isNotBlank();
            return new Outcome(fields, ErrorCode.describe(e.errorCode()) + ": " + e.getMessage());
        }
        return new Outcome(fields, null);
    }

    private static void assertWithinLimits(HpackDecoder decoder, List<String> fields) {
        assertThat(fields).as("fields of one block").hasSizeLessThanOrEqualTo(MAX_FIELDS);
        // each line is name + ": " + value, two chars short of what the limit counts beyond name and value
        int listBytes = fields.stream().mapToInt(f -> f.length() - 2 + HeaderField.OVERHEAD).sum();
        assertThat(listBytes).as("decoded bytes of one block").isLessThanOrEqualTo(MAX_LIST_BYTES);
        assertThat(fields).as("one byte per char").allMatch(f -> f.chars().allMatch(c -> c <= 0xff));
        assertThat(decoder.tableSize()).as("dynamic table size").isLessThanOrEqualTo(MAX_TABLE_SIZE);
    }
}
