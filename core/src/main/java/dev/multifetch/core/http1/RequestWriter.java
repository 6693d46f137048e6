package dev.multifetch.core.http1;

import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.RequestBody;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encodes an HTTP/1.1 request head: request line, {@code Host}, {@code User-Agent},
 * {@code Accept}, {@code Accept-Encoding} when decoding is on, the user's headers, then the body
 * framing ({@code Content-Length}, or {@code Transfer-Encoding: chunked} for a body of unknown
 * length) and {@code Expect: 100-continue} when asked. A user header replaces the engine's own
 * header of the same name; framing headers are always the engine's.
 */
public final class RequestWriter {

    private RequestWriter() {
    }

    /** The head and, for an in-memory body, the body: ready to write. Header values were checked by {@link FetchRequest}. */
    public static ByteBuffer encode(FetchRequest request, Target target, String userAgent) {
        return encode(request, target, userAgent, false);
    }

    /**
     * The request's bytes. With {@code headOnly}, or a file or stream body, only the head: the
     * caller sends the body.
     */
    public static ByteBuffer encode(FetchRequest request, Target target, String userAgent, boolean headOnly) {
        StringBuilder head = new StringBuilder(256);
        head.append(request.method()).append(' ').append(target.requestTarget()).append(" HTTP/1.1\r\n");
        if (!request.headers().contains("Host")) {
            head.append("Host: ").append(target.hostHeader()).append("\r\n");
        }
        if (!request.headers().contains("User-Agent")) {
            head.append("User-Agent: ").append(userAgent).append("\r\n");
        }
        if (!request.headers().contains("Accept")) {
            head.append("Accept: */*\r\n");
        }
        if (!request.acceptEncoding().isEmpty() && !request.headers().contains("Accept-Encoding")) {
            head.append("Accept-Encoding: ").append(String.join(", ", request.acceptEncoding())).append("\r\n");
        }
        for (Map.Entry<String, String> h : request.headers().entries()) {
            String name = h.getKey();
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")
                    && !name.equalsIgnoreCase("Expect")) {
                head.append(name).append(": ").append(h.getValue()).append("\r\n");
            }
        }
        RequestBody body = request.body();
        if (body != null && body.length() < 0) {
            head.append("Transfer-Encoding: chunked\r\n");
        } else if (body != null || needsLength(request.method())) {
            head.append("Content-Length: ").append(body == null ? 0 : body.length()).append("\r\n");
        }
        if (request.expectContinue() && body != null && body.length() != 0) {
            head.append("Expect: 100-continue\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] inline = headOnly || body == null ? null : body.bytes();
        ByteBuffer buf = ByteBuffer.allocate(headBytes.length + (inline == null ? 0 : inline.length));
        buf.put(headBytes);
        if (inline != null) {
            buf.put(inline);
        }
        return buf.flip();
    }

    /** Whether the caller still has to send a body after {@link #encode} with these arguments. */
    public static boolean bodyFollows(FetchRequest request, boolean headOnly) {
        RequestBody body = request.body();
        return body != null && body.length() != 0 && (headOnly || body.bytes() == null);
    }

    private static boolean needsLength(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
