package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.ScriptedServer.script;

import dev.multifetch.core.testing.ScriptedServer.Script;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * How a scripted server puts a response on the wire: in one write, one byte per write, or split
 * at several points (inside the status line, at the end of the head, inside the body) with a
 * short pause after each piece so the client reads the pieces apart. The same response must give
 * the same result however it is delivered.
 */
public enum Delivery {

    WHOLE {
        @Override
        public Script of(byte[] response) {
            return script().send(response);
        }
    },

    ONE_BYTE_PER_WRITE {
        @Override
        public Script of(byte[] response) {
            Script s = script();
            for (int i = 0; i < response.length; i++) {
                s = s.send(Arrays.copyOfRange(response, i, i + 1));
            }
            return s;
        }
    },

    SPLIT_AT_SEVERAL_POINTS {
        @Override
        public Script of(byte[] response) {
            int headEnd = headEnd(response);
            int[] cuts = IntStream.of(1, 9, headEnd - 2, headEnd, headEnd + 1, (headEnd + response.length) / 2,
                            response.length - 1)
                    .filter(cut -> cut > 0 && cut < response.length).sorted().distinct().toArray();
            Script s = script();
            int from = 0;
            for (int cut : cuts) {
                s = s.send(Arrays.copyOfRange(response, from, cut)).pause(Duration.ofMillis(5));
                from = cut;
            }
            return s.send(Arrays.copyOfRange(response, from, response.length));
        }
    };

    /** A script that sends {@code response} this way and leaves the connection open. */
    public abstract Script of(byte[] response);

    /** Each of {@code cases} once per delivery, the delivery added as the last argument. */
    public static Stream<Arguments> crossedWith(Stream<Arguments> cases) {
        return cases.flatMap(c -> Stream.of(values()).map(delivery -> {
            Object[] args = Arrays.copyOf(c.get(), c.get().length + 1);
            args[args.length - 1] = delivery;
            return Arguments.of(args);
        }));
    }

    /** The bytes of a response: {@code head} (status line and fields, without the blank line), then {@code body}. */
    public static byte[] response(String head, byte[] body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    /** A 200 response with {@code Content-Length}, any {@code extraFields} (each ended by CRLF), and {@code body}. */
    public static byte[] ok(String extraFields, byte[] body) {
        return response("HTTP/1.1 200 OK\r\n" + extraFields + "Content-Length: " + body.length, body);
    }

    /** The body in chunks of at most {@code chunkSize} bytes, with the last chunk and no trailers. */
    public static byte[] chunked(byte[] body, int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int from = 0; from < body.length; from += chunkSize) {
            int n = Math.min(chunkSize, body.length - from);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, from, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static int headEnd(byte[] response) {
        for (int i = 3; i < response.length; i++) {
            if (response[i - 3] == '\r' && response[i - 2] == '\n' && response[i - 1] == '\r' && response[i] == '\n') {
                return i + 1;
            }
        }
        return response.length / 2;
    }
}
