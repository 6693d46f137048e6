package dev.multifetch.core.http1;

import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.RequestBody;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
        return encode(request, target, userAgent, headOnly, new Scratch());
    }

    /** As {@link #encode(FetchRequest, Target, String, boolean)}, building in {@code scratch}: the result is an exact copy. */
    public static ByteBuffer encode(FetchRequest request, Target target, String userAgent, boolean headOnly, Scratch scratch) {
        return encode(request, target, userAgent, headOnly, scratch, false, null);
    }

    /**
     * As {@link #encode(FetchRequest, Target, String, boolean, Scratch)}, and when
     * {@code forwarded} for an HTTP proxy that forwards it: the request-target in absolute form
     * and {@code proxyAuthorization}, if not null, for the proxy. A user's
     * {@code Proxy-Authorization} goes only to a forwarding proxy, and only when the engine has
     * none of its own: never to an origin.
     */
    public static ByteBuffer encode(FetchRequest request, Target target, String userAgent, boolean headOnly, Scratch scratch,
                                    boolean forwarded, String proxyAuthorization) {
        RequestBody body = request.body();
        byte[] inline = headOnly || body == null ? null : body.bytes();
        Scratch head = scratch.reset();
        head.add(request.method()).add(' ').add(forwarded ? target.url() : target.requestTarget()).add(" HTTP/1.1\r\n");
        if (!request.headers().contains("Host")) {
            head.add("Host: ").add(target.hostHeader()).add("\r\n");
        }
        if (!request.headers().contains("User-Agent")) {
            head.add("User-Agent: ").add(userAgent).add("\r\n");
        }
        if (!request.headers().contains("Accept")) {
            head.add("Accept: */*\r\n");
        }
        if (!request.acceptEncoding().isEmpty() && !request.headers().contains("Accept-Encoding")) {
            head.add("Accept-Encoding: ").add(String.join(", ", request.acceptEncoding())).add("\r\n");
        }
        for (Map.Entry<String, String> h : request.headers().entries()) {
            String name = h.getKey();
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")
                    && !name.equalsIgnoreCase("Expect")
                    && (!name.equalsIgnoreCase("Proxy-Authorization") || (forwarded && proxyAuthorization == null))) {
                head.add(name).add(": ").add(h.getValue()).add("\r\n");
            }
        }
        if (proxyAuthorization != null) {
            head.add("Proxy-Authorization: ").add(proxyAuthorization).add("\r\n");
        }
        if (body != null && body.length() < 0) {
            head.add("Transfer-Encoding: chunked\r\n");
        } else if (body != null || needsLength(request.method())) {
            head.add("Content-Length: ").add(Long.toString(body == null ? 0 : body.length())).add("\r\n");
        }
        if (request.expectContinue() && body != null && body.length() != 0) {
            head.add("Expect: 100-continue\r\n");
        }
        head.add("\r\n");
        return head.buffer(inline);
    }

    /**
     * Where a request is built: text written straight as ISO-8859-1 bytes (a character past it
     * becomes '?', as the charset would). One per driving thread, reused for every request.
     */
    public static final class Scratch {

        private byte[] bytes = new byte[512];
        private int size;

        Scratch reset() {
            size = 0;
            return this;
        }

        Scratch add(String s) {
            int n = s.length();
            room(n);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                bytes[size++] = c <= 0xff ? (byte) c : (byte) '?';
            }
            return this;
        }

        Scratch add(char c) {
            room(1);
            bytes[size++] = (byte) c;
            return this;
        }

        private void room(int n) {
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + n, bytes.length * 2));
            }
        }

        /** An exact copy of what was built, followed by {@code body} if not null. */
        ByteBuffer buffer(byte[] body) {
            byte[] exact = Arrays.copyOf(bytes, size + (body == null ? 0 : body.length));
            if (body != null) {
                System.arraycopy(body, 0, exact, size, body.length);
            }
            if (bytes.length > 64 * 1024) {
                // a huge header passed through: do not keep its room for every later request
                bytes = new byte[512];
            }
            return ByteBuffer.wrap(exact);
        }
    }

    /** Whether the caller still has to send a body after {@link #encode} with these arguments. */
    public static boolean bodyFollows(FetchRequest request, boolean headOnly) {
        RequestBody body = request.body();
        return body != null && body.length() != 0 && (headOnly || body.bytes() == null);
    }

    /** Whether a request with {@code method} states its body's length even when it has none (curl's rule). */
    public static boolean needsLength(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
