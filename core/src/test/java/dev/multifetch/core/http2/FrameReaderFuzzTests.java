package dev.multifetch.core.http2;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzing of the frame reader with Jazzer. Whatever a server sends, the reader calls its handler
 * for frames within its limits or fails with an {@link Http2Exception} whose message starts by
 * naming the frame and stream; nothing else escapes, its buffers stay within one frame and one
 * header block, and it gives the same callbacks whether the bytes arrive at once, split at a point
 * the fuzzer chooses, one at a time, or to a consumer that pauses after every frame. The limits are
 * small (256-byte header blocks, 4 CONTINUATION frames) so the fuzzer reaches them.
 *
 * <p>The first two bytes of an input choose the split point (modulo the rest's length + 1); the
 * rest are the frames. By default (and in CI) the method runs once per stored input in
 * {@code src/test/resources/dev/multifetch/core/http2/FrameReaderFuzzTestsInputs/<method>/}; real
 * fuzzing turns Jazzer's instrumentation back on:
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -pl core test -Djazzer.hooks=true -Djazzer.max_duration=10m \
 *     -Dtest='FrameReaderFuzzTests#anyBytesReadAlikeHoweverSplitOrFailWithAnHttp2Exception'
 * </pre>
 * A finding is written to that directory as {@code crash-<sha1>}: rename it {@code finding_<what>}.
 */
class FrameReaderFuzzTests {

    private static final FrameFeed FEED = new FrameFeed(16_384, 256, 4);

    @FuzzTest(maxDuration = "5m")
    void anyBytesReadAlikeHoweverSplitOrFailWithAnHttp2Exception(byte[] input) {
        int choice = input.length < 2 ? 0 : (input[0] & 0xff) << 8 | input[1] & 0xff;
        byte[] frames = input.length < 2 ? new byte[0] : Arrays.copyOfRange(input, 2, input.length);
        int cut = choice % (frames.length + 1);

        List<String> whole = FEED.whole(frames);

        assertThat(FEED.read(frames, new int[] {cut}, 0)).as("split at %d", cut).isEqualTo(whole);
        assertThat(FEED.read(frames, FrameFeed.every(1, frames.length), 0)).as("one byte at a time").isEqualTo(whole);
        assertThat(FEED.read(frames, new int[] {cut}, 1)).as("paused after every frame, split at %d", cut)
                .isEqualTo(whole);
    }
}
