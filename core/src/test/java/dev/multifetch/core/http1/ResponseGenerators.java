package dev.multifetch.core.http1;

import dev.multifetch.core.http1.GeneratedResponse.Body;
import dev.multifetch.core.http1.GeneratedResponse.Framing;
import dev.multifetch.core.http1.GeneratedResponse.Head;
import dev.multifetch.core.http1.GeneratedResponse.Interim;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Seeded generators of the parser tests' input: well-formed responses, the places they are cut,
 * random bytes and mutations. One {@link Random} drives them all, so a seed repeats a try exactly.
 */
final class ResponseGenerators {

    private static final String TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final Set<String> FRAMING_FIELDS = Set.of("content-length", "transfer-encoding", "connection");

    private final Random random;

    ResponseGenerators(long seed) {
        this.random = new Random(seed);
    }

    /** Up to 12 cut positions in 0..65536, taken modulo the input's length by the feeder. */
    List<Integer> cuts() {
        return list(0, 12, () -> between(0, 1 << 16));
    }

    /** One to four edits: {flip, insert, delete, duplicate a run}, a position and a byte value. */
    List<int[]> mutations() {
        return list(1, 4, () -> new int[] {between(0, 3), this.random.nextInt(), between(0, 255)});
    }

    /** Up to {@code max} random bytes. */
    byte[] bytes(int max) {
        byte[] bytes = new byte[between(0, max)];
        this.random.nextBytes(bytes);
        return bytes;
    }

    boolean bool() {
        return this.random.nextBoolean();
    }

    /** A number in {@code min..max}, both included. */
    int between(int min, int max) {
        return min + this.random.nextInt(max - min + 1);
    }

    GeneratedResponse response() {
        Head head = new Head(oneOf("HTTP/1.1", "HTTP/1.0"), oneOf(200, 201, 204, 206, 301, 304, 404, 500, 599),
                text(0x20, 20), fields(8), list(0, 2, () -> new Interim(oneOf(100, 102, 103), fields(2))),
                oneOf(false, false, false, true), oneOf(false, false, true));
        Body body = new Body(oneOf(Framing.values()), bytes(3000), list(1, 8, () -> between(1, 700)), bool(), fields(3));
        return GeneratedResponse.render(head, body);
    }

    /** Field lists; values may carry blanks at either end, which the parser strips. */
    private List<Map.Entry<String, String>> fields(int most) {
        return list(0, most, () -> Map.entry(fieldName(), oneOf("", " ", "\t ") + text(0x21, 40) + oneOf("", " \t")));
    }

    private String fieldName() {
        while (true) {
            StringBuilder name = new StringBuilder();
            for (int i = between(1, 16); i > 0; i--) {
                name.append(TCHARS.charAt(this.random.nextInt(TCHARS.length())));
            }
            if (!FRAMING_FIELDS.contains(name.toString().toLowerCase(Locale.ROOT))) {
                return name.toString();
            }
        }
    }

    /** Text of visible ASCII from {@code lowest}, spaces inside, and bytes above 0x7f. */
    private String text(int lowest, int maxLength) {
        int ascii = '~' - lowest + 1;
        int high = 0xff - 0xa0 + 1;
        StringBuilder s = new StringBuilder();
        for (int i = between(0, maxLength); i > 0; i--) {
            int pick = this.random.nextInt(ascii + high);
            s.append((char) ((pick < ascii) ? lowest + pick : 0xa0 + pick - ascii));
        }
        return s.isEmpty() ? "" : s.charAt(0) + s.substring(1).replace('\u00ff', ' ').strip();
    }

    private <T> List<T> list(int min, int max, Supplier<T> element) {
        List<T> list = new ArrayList<>();
        for (int i = between(min, max); i > 0; i--) {
            list.add(element.get());
        }
        return list;
    }

    @SafeVarargs
    private <T> T oneOf(T... values) {
        return values[this.random.nextInt(values.length)];
    }
}
