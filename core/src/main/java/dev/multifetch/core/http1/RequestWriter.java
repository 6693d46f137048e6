package dev.multifetch.core.http1;

import dev.multifetch.core.FetchRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encodes an HTTP/1.1 request: request line, {@code Host}, {@code User-Agent},
 * {@code Accept}, the user's headers, {@code Content-Length} for a body, then the body.
 * A user header replaces the engine's own header of the same name.
 */
public final class RequestWriter {

    private RequestWriter() {
    }

    /** The request's bytes, ready to write. Header values were checked for CR/LF/NUL by {@link FetchRequest}. */
    public static ByteBuffer encode(FetchRequest request, Target target, String userAgent) {
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
        for (Map.Entry<String, String> h : request.headers().entries()) {
            if (!h.getKey().equalsIgnoreCase("Content-Length") && !h.getKey().equalsIgnoreCase("Transfer-Encoding")) {
                head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
            }
        }
        byte[] body = request.body();
        if (body != null || needsLength(request.method())) {
            head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buf = ByteBuffer.allocate(headBytes.length + (body == null ? 0 : body.length));
        buf.put(headBytes);
        if (body != null) {
            buf.put(body);
        }
        return buf.flip();
    }

    private static boolean needsLength(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
