package dev.multifetch.core.http1;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A well-formed HTTP/1.1 response made for the property tests, with what the parser must make of
 * it: the wire bytes, and the status, reason, fields, body and trailers they carry.
 *
 * @param bytes          the response as sent
 * @param headRequest    whether it answers a HEAD request, so no body is read
 * @param closeAtEnd     whether the body ends with the connection (no length, not chunked)
 * @param headLength     bytes up to the end of the final response's blank line, interim responses included
 * @param trailerLength  bytes of the trailer block after the last chunk, its blank line included
 */
record GeneratedResponse(byte[] bytes, boolean headRequest, boolean closeAtEnd, int headLength, int trailerLength,
                         int status, String version, String reason, List<Map.Entry<String, String>> headers,
                         byte[] body, List<Map.Entry<String, String>> trailers) {

    /** How the body is delimited. */
    enum Framing { LENGTH, CHUNKED, CLOSE }

    /** An interim 1xx response: its code and fields. */
    record Interim(int status, List<Map.Entry<String, String>> fields) {
    }

    /** The status line, fields and interim responses; fields are generated with blanks the parser strips. */
    record Head(String version, int status, String reason, List<Map.Entry<String, String>> fields,
                List<Interim> interims, boolean headRequest, boolean bareLf) {
    }

    /** The body and its framing: chunk sizes are used in turn until the body is used up. */
    record Body(Framing framing, byte[] bytes, List<Integer> chunkSizes, boolean extensions,
                List<Map.Entry<String, String>> trailers) {
    }

    static GeneratedResponse render(Head head, Body body) {
        String eol = head.bareLf() ? "\n" : "\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Interim interim : head.interims()) {
            write(out, "HTTP/1.1 " + interim.status() + " Interim" + eol);
            writeFields(out, interim.fields(), eol);
            write(out, eol);
        }
        boolean bodyless = head.headRequest() || head.status() == 204 || head.status() == 304;
        Framing framing = body.framing();
        List<Map.Entry<String, String>> fields = new ArrayList<>(head.fields());
        if (framing == Framing.LENGTH) {
            fields.add(Map.entry("Content-Length", Integer.toString(body.bytes().length)));
        } else if (framing == Framing.CHUNKED) {
            fields.add(Map.entry("Transfer-Encoding", "chunked"));
        }
        write(out, head.version() + " " + head.status() + " " + head.reason() + eol);
        writeFields(out, fields, eol);
        write(out, eol);
        int headLength = out.size();
        int trailerLength = 0;
        if (!bodyless) {
            if (framing == Framing.CHUNKED) {
                trailerLength = writeChunked(out, body, eol);
            } else {
                out.writeBytes(body.bytes());
            }
        }
        boolean chunkedBody = !bodyless && framing == Framing.CHUNKED;
        return new GeneratedResponse(out.toByteArray(), head.headRequest(), !bodyless && framing == Framing.CLOSE,
                headLength, trailerLength, head.status(), head.version(), head.reason(), stripped(fields),
                bodyless ? new byte[0] : body.bytes(), chunkedBody ? stripped(body.trailers()) : List.of());
    }

    /** Writes the chunks, the last chunk and the trailers; returns the length of the trailer block. */
    private static int writeChunked(ByteArrayOutputStream out, Body body, String eol) {
        byte[] data = body.bytes();
        int from = 0;
        for (int i = 0; from < data.length; i++) {
            int size = Math.min(body.chunkSizes().get(i % body.chunkSizes().size()), data.length - from);
            String hex = Integer.toHexString(size);
            write(out, (i % 2 == 0 ? hex : hex.toUpperCase()) + (body.extensions() ? ";ext=" + i : "") + eol);
            out.write(data, from, size);
            write(out, eol);
            from += size;
        }
        write(out, "0" + eol);
        int before = out.size();
        writeFields(out, body.trailers(), eol);
        write(out, eol);
        return out.size() - before;
    }

    private static void writeFields(ByteArrayOutputStream out, List<Map.Entry<String, String>> fields, String eol) {
        for (Map.Entry<String, String> f : fields) {
            write(out, f.getKey() + ":" + f.getValue() + eol);
        }
    }

    private static List<Map.Entry<String, String>> stripped(List<Map.Entry<String, String>> fields) {
        return fields.stream().map(f -> Map.entry(f.getKey(), f.getValue().strip())).toList();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
