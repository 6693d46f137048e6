package dev.multifetch.core.http1;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.multifetch.core.FetchError;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzzing of the content decoders with Jazzer: gzip and deflate bodies, and any
 * {@code Content-Encoding} list over any body. Whatever the bytes, decoding either hands on at most
 * its limit, in pieces of at most {@link ContentDecoder#MAX_WRITE_SIZE}, or fails with an
 * {@link HttpException} carrying a {@link FetchError}; nothing else escapes, and the answer is the
 * same whether the body arrives at once or one byte at a time.
 *
 * <p>By default (and in CI) each method runs once per stored input in
 * {@code src/test/resources/dev/multifetch/core/http1/ContentDecoderFuzzTestsInputs/<method>/};
 * real fuzzing is one method at a time, with Jazzer's instrumentation turned back on:
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -pl core test -Djazzer.hooks=true -Djazzer.max_duration=10m \
 *     -Dtest='ContentDecoderFuzzTests#anyGzipBodyDecodesWithinTheLimitOrFailsWithAFetchError'
 * </pre>
 * A finding is written to that directory as {@code crash-<sha1>}: rename it {@code finding_<what>}.
 * An input of {@link #anyCodingListDecodesWithinTheLimitOrFailsWithAFetchError} is the field value,
 * a line feed, then the body.
 */
class ContentDecoderFuzzTests {

    /** Small, so that a bomb reaches it within one fuzzing input. */
    private static final long LIMIT = 256 * 1024;

    /**
     * What decoding gave: the bytes handed on, or the error. Two outcomes agree when they are the
     * same bytes, or the same error; what was handed on before an error may depend on the split.
     *
     * <p>The errors that say a body cannot be decoded agree with each other too:
     * {@link FetchError#BAD_CONTENT_ENCODING} (a broken stream), {@link FetchError#FILESIZE_EXCEEDED}
     * (past the limit) and {@link FetchError#WRITE_ERROR} (bytes after the end of a stream). zlib
     * drops the output of the call that finds a break, so when a stream both breaks and, before the
     * break, passes the limit or hands a later stage bytes it refuses, which one is found first
     * depends on how the input was split. Fuzzing found all three: a deflate bomb with a bad check
     * value, and {@code gzip, gzip} and {@code deflate, gzip} stacks (the inputs named
     * {@code finding_*}).
     */
    private record Outcome(FetchError error, byte[] body) {

        private static final Set<FetchError> UNDELIVERABLE = EnumSet.of(FetchError.BAD_CONTENT_ENCODING,
                FetchError.FILESIZE_EXCEEDED, FetchError.WRITE_ERROR);

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Outcome other)) {
                return false;
            }
            if (error == FetchError.OK || other.error == FetchError.OK) {
                return error == other.error && Arrays.equals(body, other.body);
            }
            return error == other.error || UNDELIVERABLE.containsAll(EnumSet.of(error, other.error));
        }

        @Override
        public int hashCode() {
            return error.hashCode();
        }

        @Override
        public String toString() {
            return error == FetchError.OK ? body.length + " bytes" : error.toString();
        }
    }

    @FuzzTest(maxDuration = "5m")
    void anyGzipBodyDecodesWithinTheLimitOrFailsWithAFetchError(byte[] body) {
        sameAtEverySplit(List.of("gzip"), body);
    }

    @FuzzTest(maxDuration = "5m")
    void anyDeflateBodyDecodesWithinTheLimitOrFailsWithAFetchError(byte[] body) {
        sameAtEverySplit(List.of("deflate"), body);
    }

    @FuzzTest(maxDuration = "5m")
    void anyCodingListDecodesWithinTheLimitOrFailsWithAFetchError(byte[] input) {
        int lf = indexOf(input, (byte) '\n');
        String field = new String(input, 0, lf < 0 ? input.length : lf, StandardCharsets.ISO_8859_1);
        byte[] body = lf < 0 ? new byte[0] : Arrays.copyOfRange(input, lf + 1, input.length);
        Outcome whole = decode(List.of(field), body, Math.max(1, body.length));
        if (body.length <= 4096) {
            assertThat(decode(List.of(field), body, 1)).as("fed one byte at a time").isEqualTo(whole);
        }
    }

    private static void sameAtEverySplit(List<String> codings, byte[] body) {
        Outcome whole = decode(codings, body, Math.max(1, body.length));
        assertThat(decode(codings, body, 1)).as("fed one byte at a time").isEqualTo(whole);
        assertThat(decode(codings, body, 7)).as("fed seven bytes at a time").isEqualTo(whole);
    }

    private static Outcome decode(List<String> codings, byte[] body, int piece) {
        Sink sink = new Sink();
        try (ContentDecoder decoder = ContentDecoder.wrap(codings, sink, LIMIT)) {
            for (int from = 0; from < body.length; from += piece) {
                int n = Math.min(piece, body.length - from);
                ByteBuffer bytes = ByteBuffer.wrap(body, from, n);
                decoder.write(bytes, n);
                assertThat(bytes.hasRemaining()).as("bytes left unread by write").isFalse();
            }
            decoder.end();
            assertThat(sink.ended).as("end handed on").isTrue();
            return new Outcome(FetchError.OK, sink.bytes.toByteArray());
        } catch (HttpException e) {
            assertThat(e.error()).as("error of %s", e).isNotNull().isNotEqualTo(FetchError.OK);
            assertThat(e.getMessage()).as("message of a %s failure", e.error()).isNotBlank();
            return new Outcome(e.error(), new byte[0]);
        } finally {
            assertThat((long) sink.bytes.size()).as("bytes handed on").isLessThanOrEqualTo(LIMIT);
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Keeps what it is handed and checks each piece's size. */
    private static final class Sink implements BodySink {

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ended;

        @Override
        public void write(ByteBuffer src, int length) {
            assertThat(ended).as("write after end").isFalse();
            assertThat(length).as("one piece").isBetween(1, ContentDecoder.MAX_WRITE_SIZE);
            byte[] piece = new byte[length];
            src.get(piece);
            bytes.writeBytes(piece);
        }

        @Override
        public void end() {
            assertThat(ended).as("end twice").isFalse();
            ended = true;
        }
    }
}
