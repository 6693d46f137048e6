package dev.multifetch.core.http1;

import static dev.multifetch.core.http1.Compression.FCOMMENT;
import static dev.multifetch.core.http1.Compression.FEXTRA;
import static dev.multifetch.core.http1.Compression.FHCRC;
import static dev.multifetch.core.http1.Compression.FNAME;
import static dev.multifetch.core.http1.Compression.FTEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.FetchError;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The content decoder against gzip, deflate (zlib and raw) and stacked codings, each body fed
 * whole, split at every byte boundary (small ones) or at random places (large ones): every split
 * must give the same bytes or the same error. Then the failures curl names: corrupt, truncated and
 * over-long streams, unknown and too many codings, and a decompression bomb.
 */
class ContentDecoderTests {

    private static final byte[] TEXT = "Hello, hello, hello! Content-Encoding test body.\n".repeat(3)
            .getBytes(StandardCharsets.US_ASCII);
    private static final long NO_LIMIT = Long.MAX_VALUE;

    /** What decoding one body gave: the bytes, the largest single write, whether end() arrived, or the error. */
    record Decoded(byte[] body, int largestWrite, boolean ended, FetchError error, String message) {

        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        /**
         * The parts that must not depend on how the input was split. What was handed on before an
         * error may: the inflater drops the output of the call that finds the error.
         */
        List<Object> outcome() {
            return error == null ? List.of(Arrays.toString(body), ended) : List.of(error);
        }
    }

    /** Remembers every byte and every write it is handed. */
    static final class RecordingSink implements BodySink {

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int largestWrite;
        boolean ended;

        @Override
        public void write(ByteBuffer src, int length) {
            assertThat(ended).as("write after end").isFalse();
            largestWrite = Math.max(largestWrite, length);
            byte[] b = new byte[length];
            src.get(b);
            bytes.writeBytes(b);
        }

        @Override
        public void end() {
            ended = true;
        }
    }

    static Decoded decode(List<String> encodings, byte[] body, List<Integer> cuts, long limit) {
        RecordingSink sink = new RecordingSink();
        try (ContentDecoder decoder = ContentDecoder.wrap(encodings, sink, limit)) {
            int from = 0;
            List<Integer> ends = new ArrayList<>(cuts);
            ends.add(body.length);
            for (int end : ends) {
                ByteBuffer in = ByteBuffer.wrap(body, from, end - from);
                decoder.write(in, in.remaining());
                assertThat(in.hasRemaining()).as("input left after write").isFalse();
                from = end;
            }
            decoder.end();
            return new Decoded(sink.bytes.toByteArray(), sink.largestWrite, sink.ended, null, null);
        } catch (HttpException e) {
            return new Decoded(sink.bytes.toByteArray(), sink.largestWrite, sink.ended, e.error(), e.getMessage());
        }
    }

    /** Decodes whole, split in two at every byte, and byte by byte; asserts all agree and returns the whole outcome. */
    static Decoded decodeEveryWay(List<String> encodings, byte[] body) {
        Decoded whole = decode(encodings, body, List.of(), NO_LIMIT);
        for (int cut = 1; cut < body.length; cut++) {
            assertThat(decode(encodings, body, List.of(cut), NO_LIMIT).outcome()).as("split at " + cut)
                    .isEqualTo(whole.outcome());
        }
        List<Integer> everyByte = new ArrayList<>();
        for (int i = 1; i < body.length; i++) {
            everyByte.add(i);
        }
        assertThat(decode(encodings, body, everyByte, NO_LIMIT).outcome()).as("byte by byte").isEqualTo(whole.outcome());
        return whole;
    }

    static List<Integer> randomCuts(Random random, int length, int count) {
        TreeSet<Integer> cuts = new TreeSet<>();
        while (cuts.size() < Math.min(count, length - 1)) {
            cuts.add(1 + random.nextInt(length - 1));
        }
        return new ArrayList<>(cuts);
    }

    static List<Arguments> smallBodies() {
        return List.of(
                Arguments.of("gzip", List.of("gzip"), Compression.gzip(TEXT)),
                Arguments.of("x-gzip alias, upper case", List.of("X-GZIP"), Compression.gzip(TEXT)),
                Arguments.of("gzip with FTEXT FEXTRA FNAME FCOMMENT FHCRC", List.of("gzip"),
                        Compression.gzip(TEXT, FTEXT | FEXTRA | FNAME | FCOMMENT | FHCRC)),
                Arguments.of("gzip with FNAME only", List.of("gzip"), Compression.gzip(TEXT, FNAME)),
                Arguments.of("gzip with FEXTRA and FHCRC", List.of("gzip"), Compression.gzip(TEXT, FEXTRA | FHCRC)),
                Arguments.of("gzip carrying zlib data, as zlib's auto-detection allows", List.of("gzip"), Compression.zlib(TEXT)),
                Arguments.of("deflate, zlib-wrapped", List.of("deflate"), Compression.zlib(TEXT)),
                Arguments.of("deflate, raw", List.of("deflate"), Compression.rawDeflate(TEXT)),
                Arguments.of("deflate then gzip in one field", List.of("deflate, gzip"), Compression.gzip(Compression.zlib(TEXT))),
                Arguments.of("gzip then deflate in two fields", List.of("gzip", "deflate"), Compression.zlib(Compression.gzip(TEXT))),
                Arguments.of("identity and none around gzip", List.of("identity, gzip ,, none"), Compression.gzip(TEXT)),
                Arguments.of("five codings", List.of("gzip, deflate, gzip", "deflate", "gzip"), Compression.gzip(
                        Compression.zlib(Compression.gzip(Compression.rawDeflate(Compression.gzip(TEXT)))))),
                Arguments.of("identity", List.of("identity"), TEXT),
                Arguments.of("no field", List.of(), TEXT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallBodies")
    void whenSplitAnywhereThenSameDecodedBody(String name, List<String> encodings, byte[] body) {
        Decoded decoded = decodeEveryWay(encodings, body);
        assertThat(decoded.error()).as(decoded.message()).isNull();
        assertThat(decoded.body()).isEqualTo(TEXT);
        assertThat(decoded.ended()).isTrue();
    }

    static List<Arguments> largeBodies() {
        byte[] mixed = new byte[300_000];
        Random random = new Random(7);
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = i % 3 == 0 ? (byte) random.nextInt(256) : (byte) ('a' + i % 26);
        }
        return List.of(
                Arguments.of("gzip", List.of("gzip"), Compression.gzip(mixed, FNAME | FHCRC), mixed),
                Arguments.of("zlib", List.of("deflate"), Compression.zlib(mixed), mixed),
                Arguments.of("raw deflate", List.of("deflate"), Compression.rawDeflate(mixed), mixed),
                Arguments.of("gzip over deflate", List.of("deflate", "gzip"), Compression.gzip(Compression.zlib(mixed)), mixed),
                Arguments.of("identity", List.of(), mixed, mixed));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("largeBodies")
    void whenLargeBodySplitAtRandomThenSameBodyInPiecesOfAtMost16KiB(String name, List<String> encodings, byte[] body,
                                                                    byte[] expected) {
        Random random = new Random(name.hashCode());
        for (int round = 0; round < 20; round++) {
            Decoded decoded = decode(encodings, body, randomCuts(random, body.length, 1 + random.nextInt(40)), NO_LIMIT);
            assertThat(decoded.error()).as(decoded.message()).isNull();
            assertThat(decoded.body()).isEqualTo(expected);
            assertThat(decoded.largestWrite()).isLessThanOrEqualTo(ContentDecoder.MAX_WRITE_SIZE);
        }
    }

    @Test
    void whenBodyIsEmptyThenEmptyResultWhateverTheCoding() {
        for (String coding : List.of("gzip", "deflate", "br", "identity")) {
            Decoded decoded = decode(List.of(coding), new byte[0], List.of(), NO_LIMIT);
            assertThat(decoded.error()).as(coding).isNull();
            assertThat(decoded.body()).isEmpty();
            assertThat(decoded.ended()).isTrue();
        }
    }

    static List<Arguments> corrupt() {
        byte[] gzip = Compression.gzip(TEXT);
        byte[] badMethod = gzip.clone();
        badMethod[2] = 7;
        byte[] reservedFlag = gzip.clone();
        reservedFlag[3] = (byte) 0x20;
        byte[] badBlock = Compression.member(Compression.header(0), new byte[] {(byte) 0xff, (byte) 0xff, 0}, 0, 0);
        byte[] badCrc = gzip.clone();
        badCrc[gzip.length - 8] ^= 1;
        byte[] badSize = gzip.clone();
        badSize[gzip.length - 4] ^= 1;
        byte[] badHeaderCrc = Compression.gzip(TEXT, FHCRC);
        badHeaderCrc[10] ^= 1;
        byte[] zlib = Compression.zlib(TEXT);
        byte[] badAdler = zlib.clone();
        badAdler[zlib.length - 1] ^= 1;
        return List.of(
                Arguments.of("gzip: not gzip at all", "gzip", "<html>not compressed</html>".getBytes(StandardCharsets.US_ASCII),
                        "incorrect header check"),
                Arguments.of("gzip: compression method 7", "gzip", badMethod, "unknown compression method"),
                Arguments.of("gzip: reserved flag set", "gzip", reservedFlag, "unknown header flags set"),
                Arguments.of("gzip: invalid block type", "gzip", badBlock, "invalid block type"),
                Arguments.of("gzip: CRC-32 mismatch", "gzip", badCrc, "incorrect data check"),
                Arguments.of("gzip: ISIZE mismatch", "gzip", badSize, "incorrect length check"),
                Arguments.of("gzip: header CRC mismatch", "gzip", badHeaderCrc, "header crc mismatch"),
                Arguments.of("deflate: Adler-32 mismatch", "deflate", badAdler, "incorrect data check"),
                Arguments.of("deflate: preset dictionary", "deflate", new byte[] {0x78, 0x20, 0, 0, 0, 1, 3, 0}, "preset dictionary"),
                Arguments.of("deflate: raw garbage", "deflate", "this is plain text".getBytes(StandardCharsets.US_ASCII), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corrupt")
    void whenDataIsCorruptThenBadContentEncodingWithTheReason(String name, String coding, byte[] body, String reason) {
        Decoded decoded = decodeEveryWay(List.of(coding), body);
        assertThat(decoded.error()).isEqualTo(FetchError.BAD_CONTENT_ENCODING);
        assertThat(decoded.message()).startsWith("Error while processing content unencoding: ").contains(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "deflate"})
    void whenStreamIsCutOffAnywhereThenBadContentEncodingAtTheEnd(String coding) {
        byte[] full = coding.equals("gzip") ? Compression.gzip(TEXT, FEXTRA | FNAME | FHCRC) : Compression.zlib(TEXT);
        for (int length = 1; length < full.length; length++) {
            Decoded decoded = decode(List.of(coding), Arrays.copyOf(full, length), List.of(), NO_LIMIT);
            assertThat(decoded.error()).as("cut after " + length).isEqualTo(FetchError.BAD_CONTENT_ENCODING);
            assertThat(decoded.message()).contains("truncated");
            assertThat(decoded.ended()).isFalse();
        }
    }

    @Test
    void whenSecondGzipMemberFollowsThenWriteErrorAsCurl() {
        byte[] twoMembers = Compression.concat(Compression.gzip(TEXT), Compression.gzip(TEXT));
        Decoded decoded = decodeEveryWay(List.of("gzip"), twoMembers);
        assertThat(decoded.error()).isEqualTo(FetchError.WRITE_ERROR);
        assertThat(decoded.message()).isEqualTo("Multi-member gzip response not supported");
        assertThat(decoded.body()).isEqualTo(TEXT);
    }

    @Test
    void whenBytesFollowAZlibStreamThenWriteError() {
        Decoded decoded = decodeEveryWay(List.of("deflate"), Compression.concat(Compression.zlib(TEXT), new byte[] {'x'}));
        assertThat(decoded.error()).isEqualTo(FetchError.WRITE_ERROR);
        assertThat(decoded.message()).contains("after the end of the deflate stream");
    }

    @Test
    void whenUpToFourBytesFollowARawDeflateStreamThenTheyAreTolerated() {
        byte[] raw = Compression.rawDeflate(TEXT);
        Decoded four = decodeEveryWay(List.of("deflate"), Compression.concat(raw, new byte[] {1, 2, 3, 4}));
        assertThat(four.error()).isNull();
        assertThat(four.body()).isEqualTo(TEXT);
        Decoded five = decodeEveryWay(List.of("deflate"), Compression.concat(raw, new byte[] {1, 2, 3, 4, 5}));
        assertThat(five.error()).isEqualTo(FetchError.WRITE_ERROR);
    }

    @Test
    void whenCodingIsUnknownThenBadContentEncodingNamingItAtTheFirstByte() {
        Decoded decoded = decode(List.of("gzip, br"), Compression.gzip(TEXT), List.of(), NO_LIMIT);
        assertThat(decoded.error()).isEqualTo(FetchError.BAD_CONTENT_ENCODING);
        assertThat(decoded.message()).contains("\"br\"");
        assertThat(decode(List.of("compress"), TEXT, List.of(), NO_LIMIT).message()).contains("\"compress\"");
    }

    @Test
    void whenMoreThanFiveCodingsThenRejectedBeforeAnyByte() throws HttpException {
        assertThatThrownBy(() -> ContentDecoder.wrap(List.of("gzip,gzip,gzip", "gzip,gzip,gzip"), new RecordingSink(), NO_LIMIT))
                .isInstanceOfSatisfying(HttpException.class, e -> {
                    assertThat(e.error()).isEqualTo(FetchError.BAD_CONTENT_ENCODING);
                    assertThat(e.getMessage()).contains("limit of 5");
                });
        ContentDecoder.wrap(List.of("gzip,gzip,gzip,gzip,gzip"), new RecordingSink(), NO_LIMIT).close();
    }

    @Test
    void whenDecodedSizeReachesTheLimitThenAcceptedAndOneMoreByteIsRefused() {
        byte[] gzip = Compression.gzip(TEXT);
        assertThat(decode(List.of("gzip"), gzip, List.of(), TEXT.length).error()).isNull();
        Decoded over = decode(List.of("gzip"), gzip, List.of(), TEXT.length - 1);
        assertThat(over.error()).isEqualTo(FetchError.FILESIZE_EXCEEDED);
        assertThat(over.body().length).isLessThan(TEXT.length);
        assertThat(decode(List.of(), TEXT, List.of(), TEXT.length - 1).error()).isEqualTo(FetchError.FILESIZE_EXCEEDED);
    }

    @Test
    @Timeout(30)
    void whenGigabyteOfZerosIsGzippedThenFileSizeExceededFastInLittleMemory() throws HttpException {
        byte[] bomb = Compression.repeatedGzip(new byte[1 << 20], 1024);
        assertThat(bomb.length).isLessThan(2 << 20);
        long limit = 8 << 20;
        CountingSink counter = new CountingSink();
        long start = System.nanoTime();
        long allocatedBefore = threadAllocatedBytes();
        try (ContentDecoder decoder = ContentDecoder.wrap(List.of("gzip"), counter, limit)) {
            assertThatThrownBy(() -> decoder.write(ByteBuffer.wrap(bomb), bomb.length))
                    .isInstanceOfSatisfying(HttpException.class,
                            e -> assertThat(e.error()).isEqualTo(FetchError.FILESIZE_EXCEEDED));
        }
        long allocated = threadAllocatedBytes() - allocatedBefore;
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(counter.total).isLessThanOrEqualTo(limit);
        assertThat(allocated).as("bytes allocated while decoding").isLessThan(400 << 10);
    }

    @Test
    void whenGigabyteOfZerosIsGzippedThenItAllDecodesWithoutTheLimit() {
        CountingSink counter = new CountingSink();
        byte[] bomb = Compression.repeatedGzip(new byte[1 << 20], 1024);
        try (ContentDecoder decoder = ContentDecoder.wrap(List.of("gzip"), counter, NO_LIMIT)) {
            decoder.write(ByteBuffer.wrap(bomb), bomb.length);
            decoder.end();
            assertThat(decoder.decodedBytes()).isEqualTo(1L << 30);
        } catch (HttpException e) {
            throw new AssertionError(e);
        }
        assertThat(counter.total).isEqualTo(1L << 30);
        assertThat(counter.largest).isEqualTo(ContentDecoder.MAX_WRITE_SIZE);
    }

    @Test
    void whenStackedBombInflatesToNothingThenTheIntermediateStageStillStops() {
        byte[] nothing = Compression.emptyStoredBlocks(13_107);
        byte[] bomb = Compression.member(Compression.header(0), Compression.repeatedRawDeflate(nothing, 2_000, false), 0, 0);
        Decoded decoded = decode(List.of("deflate", "gzip"), bomb, List.of(), 1 << 20);
        assertThat(decoded.error()).isEqualTo(FetchError.FILESIZE_EXCEEDED);
        assertThat(decoded.body()).isEmpty();
    }

    @Test
    void whenFailedOrEndedThenCloseIsHarmlessAndRepeatable() throws HttpException {
        ContentDecoder decoder = ContentDecoder.wrap(List.of("gzip"), new RecordingSink(), NO_LIMIT);
        assertThatThrownBy(() -> decoder.write(ByteBuffer.wrap(TEXT), TEXT.length)).isInstanceOf(HttpException.class);
        decoder.close();
        decoder.close();
        ContentDecoder finished = ContentDecoder.wrap(List.of("deflate"), new RecordingSink(), NO_LIMIT);
        byte[] zlib = Compression.zlib(TEXT);
        finished.write(ByteBuffer.wrap(zlib), zlib.length);
        finished.end();
        finished.close();
    }

    @Test
    void codingNamesAreSplitTrimmedAndLowerCased() {
        assertThat(ContentDecoder.codings(List.of(" GZip ,, x-gzip\t", "", "Deflate")))
                .containsExactly("gzip", "x-gzip", "deflate");
    }

    private static long threadAllocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Counts what it is handed without keeping it. */
    static final class CountingSink implements BodySink {

        long total;
        int largest;

        @Override
        public void write(ByteBuffer src, int length) {
            total += length;
            largest = Math.max(largest, length);
            src.position(src.position() + length);
        }
    }
}
