package dev.multifetch.bench.jmh;

import dev.multifetch.core.http1.HttpException;
import dev.multifetch.core.http1.ResponseParser;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The HTTP/1.1 response parser on a whole nginx-like response, fed in socket-read-sized pieces:
 * with a Content-Length body ({@link #fixedLength}) and with the same body chunked in 8 KiB chunks
 * ({@link #chunked}). The {@code megabytes} counter is wire MB per second; {@code -prof gc} gives
 * bytes allocated per response ({@code gc.alloc.rate.norm}), the collected body included.
 *
 * <pre>java -cp ... org.openjdk.jmh.Main ResponseParserBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ResponseParserBenchmark {

    private static final int CHUNK = 8192;

    /** Body bytes of the response. */
    @Param({"1024", "16384", "1048576"})
    public int bodySize;

    /** Bytes handed to each {@code feed} call, as one socket read would. */
    @Param({"16384"})
    public int readSize;

    private ByteBuffer[] fixedPieces;
    private ByteBuffer[] chunkedPieces;
    private int fixedWireBytes;
    private int chunkedWireBytes;

    /** Wire megabytes parsed, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Wire {

        public double megabytes;

        @Setup(Level.Iteration)
        public void reset() {
            megabytes = 0;
        }
    }

    @Setup
    public void setUp() throws HttpException {
        byte[] body = new byte[bodySize];
        Arrays.fill(body, (byte) 'x');
        byte[] fixed = concat(head("Content-Length: " + bodySize), body);
        byte[] chunked = concat(head("Transfer-Encoding: chunked"), chunk(body));
        fixedWireBytes = fixed.length;
        chunkedWireBytes = chunked.length;
        fixedPieces = split(fixed, readSize);
        chunkedPieces = split(chunked, readSize);
        check(fixedPieces);
        check(chunkedPieces);
    }

    @Benchmark
    public byte[] fixedLength(Wire wire) throws HttpException {
        wire.megabytes += fixedWireBytes / 1e6;
        return parse(fixedPieces);
    }

    @Benchmark
    public byte[] chunked(Wire wire) throws HttpException {
        wire.megabytes += chunkedWireBytes / 1e6;
        return parse(chunkedPieces);
    }

    private static byte[] parse(ByteBuffer[] pieces) throws HttpException {
        ResponseParser parser = new ResponseParser(true, 100 * 1024, 64L * 1024 * 1024);
        for (ByteBuffer piece : pieces) {
            piece.rewind();
            parser.feed(piece);
        }
        return parser.body();
    }

    private void check(ByteBuffer[] pieces) throws HttpException {
        byte[] body = parse(pieces);
        if (body.length != bodySize) {
            throw new IllegalStateException("parsed " + body.length + " body bytes, expected " + bodySize);
        }
    }

    private static byte[] head(String framing) {
        return ("HTTP/1.1 200 OK\r\n"
                + "Server: nginx/1.22.1\r\n"
                + "Date: Tue, 02 Jun 2026 10:00:00 GMT\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + framing + "\r\n"
                + "Last-Modified: Tue, 02 Jun 2026 09:00:00 GMT\r\n"
                + "Connection: keep-alive\r\n"
                + "ETag: \"6650a1b0-400\"\r\n"
                + "Accept-Ranges: bytes\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] chunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += CHUNK) {
            int n = Math.min(CHUNK, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static ByteBuffer[] split(byte[] wire, int size) {
        ByteBuffer[] pieces = new ByteBuffer[(wire.length + size - 1) / size];
        for (int i = 0; i < pieces.length; i++) {
            int from = i * size;
            pieces[i] = ByteBuffer.wrap(Arrays.copyOfRange(wire, from, Math.min(wire.length, from + size)));
        }
        return pieces;
    }
}
