package dev.multifetch.core.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.http1.GeneratedResponse.Body;
import dev.multifetch.core.http1.GeneratedResponse.Framing;
import dev.multifetch.core.http1.GeneratedResponse.Head;
import dev.multifetch.core.http1.GeneratedResponse.Interim;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the response parser over generated input, each fed in pieces split at random
 * places: hostile bytes only ever fail with an {@link HttpException} carrying a {@link FetchError},
 * every feed returns having taken all its input, nothing is kept beyond the limits, and a
 * well-formed response parses to what was generated whatever the splits. Tries are few enough
 * that the class runs in a few seconds.
 */
class ResponseParserPropertyTests {

    private static final int MAX_HEADER = 8 * 1024;
    private static final long MAX_BODY = 1 << 20;
    private static final Duration NO_LOOP = Duration.ofSeconds(10);
    /**
     * How far a head may pass its limit: the limit is checked before each byte of a line but not
     * for the LF that ends it, so the LFs ending the last field and the blank line slip through.
     * Nothing is stored for them; the bound on what the parser keeps is exact.
     */
    private static final int LF_SLACK = 2;
    private static final String TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final Set<String> FRAMING_FIELDS = Set.of("content-length", "transfer-encoding", "connection");

    /** What the parser made of some input: the response's parts, or the error it failed with. */
    record Outcome(int status, String version, String reason, List<Map.Entry<String, String>> headers, String body,
                   List<Map.Entry<String, String>> trailers, boolean reusable, FetchError error) {

        static Outcome failed(FetchError error) {
            return new Outcome(0, null, null, null, null, null, false, error);
        }
    }

    /**
     * Feeds {@code input} cut at {@code cuts} (taken modulo its length), then reports the end of
     * input if the parser wants more. Asserts on the way that each feed returns in time having
     * taken every byte, that the body never passes its limit, and that only {@link HttpException}
     * escapes.
     */
    static Outcome feed(byte[] input, List<Integer> cuts, boolean head, int maxHeader, long maxBody) {
        return assertTimeoutPreemptively(NO_LOOP, () -> {
            ResponseParser parser = new ResponseParser(!head, maxHeader, maxBody);
            try {
                int from = 0;
                boolean done = false;
                for (int end : ends(cuts, input.length)) {
                    ByteBuffer in = ByteBuffer.wrap(input, from, end - from);
                    done = parser.feed(in);
                    assertThat(in.hasRemaining()).as("bytes left after feed").isFalse();
                    assertThat(parser.bodySize()).as("body size").isLessThanOrEqualTo(maxBody);
                    from = end;
                }
                if (!done) {
                    parser.endOfInput();
                }
                return new Outcome(parser.status(), parser.version(), parser.reason(), parser.headers().entries(),
                        new String(parser.body(), StandardCharsets.ISO_8859_1), parser.trailers().entries(),
                        parser.connectionReusable(), FetchError.OK);
            } catch (HttpException e) {
                assertThat(e.error()).as("error of " + e.getMessage()).isNotNull().isNotEqualTo(FetchError.OK);
                assertThat(parser.bodySize()).as("body size").isLessThanOrEqualTo(maxBody);
                return Outcome.failed(e.error());
            }
        });
    }

    private static List<Integer> ends(List<Integer> cuts, int length) {
        TreeSet<Integer> ends = new TreeSet<>();
        for (int cut : cuts) {
            ends.add(cut % (length + 1));
        }
        ends.add(length);
        return new ArrayList<>(ends);
    }

    static Outcome expected(GeneratedResponse r) {
        return new Outcome(r.status(), r.version(), r.reason(), r.headers(), new String(r.body(), StandardCharsets.ISO_8859_1),
                r.trailers(), false, FetchError.OK);
    }

    /** Compares all but connection reuse, which the generator does not model. */
    static Outcome withoutReuse(Outcome o) {
        return new Outcome(o.status(), o.version(), o.reason(), o.headers(), o.body(), o.trailers(), false, o.error());
    }

    @Property(tries = 300)
    void wellFormedResponsesParseToWhatWasGeneratedWhateverTheSplits(
            @ForAll("responses") GeneratedResponse response, @ForAll("cuts") List<Integer> cuts) {
        Outcome whole = feed(response.bytes(), List.of(), response.headRequest(), MAX_HEADER, MAX_BODY);
        Outcome split = feed(response.bytes(), cuts, response.headRequest(), MAX_HEADER, MAX_BODY);
        assertThat(withoutReuse(whole)).isEqualTo(expected(response));
        assertThat(split).isEqualTo(whole);
    }

    @Property(tries = 400)
    void randomBytesOnlyEverFailWithAnHttpException(
            @ForAll @Size(max = 600) byte[] input, @ForAll("cuts") List<Integer> cuts, @ForAll boolean head) {
        feed(input, cuts, head, 256, 128);
    }

    @Property(tries = 400)
    void randomBytesAfterAValidStatusLineOnlyEverFailWithAnHttpException(
            @ForAll @Size(max = 600) byte[] rest, @ForAll("cuts") List<Integer> cuts, @ForAll boolean head) {
        byte[] prefix = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] input = Arrays.copyOf(prefix, prefix.length + rest.length);
        System.arraycopy(rest, 0, input, prefix.length, rest.length);
        feed(input, cuts, head, 256, 128);
    }

    @Property(tries = 500)
    void mutatedResponsesFailTheSameWayWhateverTheSplits(
            @ForAll("responses") GeneratedResponse response, @ForAll("mutations") List<int[]> mutations,
            @ForAll("cuts") List<Integer> cuts) {
        byte[] input = mutate(response.bytes(), mutations);
        Outcome whole = feed(input, List.of(), response.headRequest(), 512, 1024);
        Outcome split = feed(input, cuts, response.headRequest(), 512, 1024);
        assertThat(split).isEqualTo(whole);
    }

    @Property(tries = 200)
    void bodyIsRefusedPastItsLimitAndNeverKeptBeyondIt(
            @ForAll("responses") GeneratedResponse response, @ForAll @IntRange(max = 3500) int maxBody,
            @ForAll("cuts") List<Integer> cuts) {
        Outcome outcome = feed(response.bytes(), cuts, response.headRequest(), MAX_HEADER, maxBody);
        if (response.body().length <= maxBody) {
            assertThat(withoutReuse(outcome)).isEqualTo(expected(response));
        } else {
            assertThat(outcome.error()).isEqualTo(FetchError.FILESIZE_EXCEEDED);
        }
    }

    @Property(tries = 200)
    void headIsRefusedPastItsLimit(@ForAll("responses") GeneratedResponse response, @ForAll @IntRange(min = -40, max = 40) int delta,
                                  @ForAll("cuts") List<Integer> cuts) {
        int maxHeader = Math.max(1, response.headLength() + delta);
        Outcome outcome = feed(response.bytes(), cuts, response.headRequest(), maxHeader, MAX_BODY);
        if (response.headLength() <= maxHeader && response.trailerLength() <= maxHeader) {
            assertThat(withoutReuse(outcome)).isEqualTo(expected(response));
        } else if (response.headLength() > maxHeader + LF_SLACK) {
            // one line past the limit is TOO_LARGE, lines adding up past it RECV_ERROR, as in curl
            assertThat(outcome.error()).isIn(FetchError.TOO_LARGE, FetchError.RECV_ERROR);
        }
    }

    @Example
    void whenAHeaderLineArrivesInPiecesThenTheLimitCountsItOnce() {
        byte[] response = ("HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(5000) + "\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        List<Integer> everyKiB = List.of(1024, 2048, 3072, 4096, 5120);
        assertThat(feed(response, List.of(), false, MAX_HEADER, MAX_BODY).error()).isEqualTo(FetchError.OK);
        assertThat(feed(response, everyKiB, false, MAX_HEADER, MAX_BODY).error()).isEqualTo(FetchError.OK);
    }

    private static byte[] mutate(byte[] original, List<int[]> mutations) {
        byte[] b = original;
        for (int[] m : mutations) {
            int at = b.length == 0 ? 0 : Math.floorMod(m[1], b.length);
            switch (m[0]) {
                case 0 -> {
                    if (b.length > 0) {
                        b = b.clone();
                        b[at] ^= (byte) (m[2] | 1);
                    }
                }
                case 1 -> b = splice(b, at, 0, new byte[] {(byte) m[2]});
                case 2 -> b = b.length == 0 ? b : splice(b, at, 1, new byte[0]);
                default -> b = splice(b, at, 0, Arrays.copyOfRange(b, at, Math.min(b.length, at + (m[2] & 0x3f))));
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 1 << 16).list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<int[]>> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers(), Arbitraries.integers().between(0, 255))
                .as((op, at, value) -> new int[] {op, at, value})
                .list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<GeneratedResponse> responses() {
        Arbitrary<Head> heads = Combinators.combine(
                Arbitraries.of("HTTP/1.1", "HTTP/1.0"),
                Arbitraries.of(200, 201, 204, 206, 301, 304, 404, 500, 599),
                text(0x20, 20),
                fields(8),
                Combinators.combine(Arbitraries.of(100, 102, 103), fields(2)).as(Interim::new).list().ofMaxSize(2),
                Arbitraries.of(false, false, false, true),
                Arbitraries.of(false, false, true)).as(Head::new);
        Arbitrary<Body> bodies = Combinators.combine(
                Arbitraries.of(Framing.class),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(3000),
                Arbitraries.integers().between(1, 700).list().ofMinSize(1).ofMaxSize(8),
                Arbitraries.of(false, true),
                fields(3)).as(Body::new);
        return Combinators.combine(heads, bodies).as(GeneratedResponse::render);
    }

    /** Field lists; values may carry blanks at either end, which the parser strips. */
    private static Arbitrary<List<Map.Entry<String, String>>> fields(int most) {
        Arbitrary<String> names = Arbitraries.strings().withChars(TCHARS).ofMinLength(1).ofMaxLength(16)
                .filter(n -> !FRAMING_FIELDS.contains(n.toLowerCase(Locale.ROOT)));
        Arbitrary<String> values = Combinators.combine(Arbitraries.of("", " ", "\t "), text(0x21, 40), Arbitraries.of("", " \t"))
                .as((lead, core, trail) -> lead + core + trail);
        return Combinators.combine(names, values).as(Map::entry).list().ofMaxSize(most);
    }

    /** Text of visible ASCII from {@code lowest}, spaces inside, and bytes above 0x7f. */
    private static Arbitrary<String> text(int lowest, int maxLength) {
        Arbitrary<String> core = Arbitraries.strings().withCharRange((char) lowest, '~').withCharRange('\u00a0', '\u00ff')
                .ofMaxLength(maxLength);
        return core.map(s -> s.isEmpty() ? s : s.charAt(0) + s.substring(1).replace('\u00ff', ' ').strip());
    }
}
