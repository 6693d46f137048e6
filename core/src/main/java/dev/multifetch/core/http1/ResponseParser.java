package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.Headers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An incremental HTTP/1.1 response parser: it accepts whatever bytes arrived, keeps partial
 * state, and says when the response is complete. Interim 1xx responses are skipped; the final
 * response's framing (Transfer-Encoding over Content-Length, fixed length, until close, none for
 * HEAD, 204 and 304) is chosen as RFC 9112 section 6.3 and curl do. Every input is bounded.
 * Not thread-safe.
 */
public final class ResponseParser {

    private static final int MAX_FIELDS = 1000;
    private static final byte[] HTTP_SLASH = {'H', 'T', 'T', 'P', '/'};

    private enum Phase { STATUS_LINE, FIELDS, BODY, DONE }

    /**
     * What the parser tells its owner as a response arrives. Any exception an owner's callback
     * throws should be turned into an {@link HttpException} (it ends the parse).
     */
    public interface Events {

        /** An interim 1xx response arrived; the final one follows. */
        default void interim(int status, String version, Headers headers) throws HttpException {
        }

        /**
         * The final response head arrived; returns the sink for its body. {@code contentLength}
         * is -1 when the body is chunked or runs until close, 0 when there is none.
         */
        BodySink finalHead(int status, String version, Headers headers, long contentLength) throws HttpException;
    }

    private final boolean bodyAllowed;
    private final int maxHeaderBytes;
    private final Events events;
    private final BodyCollector collector;
    private BodySink sink;
    private final LineReader line = new LineReader(FetchError.TOO_LARGE);
    private final List<Map.Entry<String, String>> fields = new ArrayList<>();
    private Phase phase = Phase.STATUS_LINE;
    private int headBytes;
    private boolean anyByte;
    private boolean finalStatusSeen;
    private int status;
    private String version = "";
    private String reason = "";
    private BodyDecoder body;
    private boolean keepAlive;
    private boolean trailingGarbage;
    private long announcedLength = -1;
    private boolean bodyEnded;
    private Headers finalHeaders;

    /**
     * @param bodyAllowed    false for a HEAD request: no body is read whatever the headers say
     * @param maxHeaderBytes largest header block, interim responses included
     * @param maxBodySize    largest body accepted
     */
    public ResponseParser(boolean bodyAllowed, int maxHeaderBytes, long maxBodySize) {
        this.bodyAllowed = bodyAllowed;
        this.maxHeaderBytes = maxHeaderBytes;
        this.collector = new BodyCollector(maxBodySize);
        this.events = (status, version, headers, length) -> {
            collector.checkAnnounced(length);
            return collector;
        };
    }

    /**
     * A parser that reports each head to {@code events} and writes the final body to the sink
     * {@code events} returns; {@link #body()} is then empty.
     */
    public ResponseParser(boolean bodyAllowed, int maxHeaderBytes, Events events) {
        this.bodyAllowed = bodyAllowed;
        this.maxHeaderBytes = maxHeaderBytes;
        this.collector = null;
        this.events = events;
    }

    /** Consumes bytes from {@code in}; returns true once the response is complete. */
    public boolean feed(ByteBuffer in) throws HttpException {
        if (in.hasRemaining()) {
            anyByte = true;
        }
        while (in.hasRemaining() && phase != Phase.DONE) {
            if (phase == Phase.BODY && sink.paused()) {
                // the caller keeps what is left of the input until the sink is resumed
                return false;
            }
            if (phase == Phase.BODY) {
                if (body.decode(in, sink)) {
                    bodyEnded = true;
                    if (!endBody()) {
                        return false;
                    }
                }
            } else {
                readHeadLine(in);
            }
        }
        if (phase == Phase.DONE && in.hasRemaining()) {
            trailingGarbage = true;
            in.position(in.limit());
        }
        return phase == Phase.DONE;
    }

    /** The framing says the body is complete: ends the sink, unless it is paused with bytes held back. */
    private boolean endBody() throws HttpException {
        if (sink.paused()) {
            return false;
        }
        sink.end();
        phase = Phase.DONE;
        return true;
    }

    /**
     * After a paused sink was resumed: hands on what its decoder held back and, if the body
     * ended meanwhile, ends it. Returns true once the response is complete.
     */
    public boolean resumeBody() throws HttpException {
        if (phase != Phase.BODY) {
            return phase == Phase.DONE;
        }
        if (sink instanceof ContentDecoder decoder && !decoder.resumeDelivery()) {
            return false;
        }
        return bodyEnded && endBody();
    }

    /** Whether the body sink is paused: {@link #feed} then leaves input unread. */
    public boolean paused() {
        return phase == Phase.BODY && sink.paused();
    }

    /** The server closed the connection: completes a close-delimited body, or throws what is missing. */
    public void endOfInput() throws HttpException {
        switch (phase) {
            case DONE -> { }
            case BODY -> {
                body.endOfInput();
                bodyEnded = true;
                endBody();
            }
            default -> throw new HttpException(
                    anyByte && !(phase == Phase.STATUS_LINE && line.length() == 0)
                            ? FetchError.PARTIAL_FILE : FetchError.GOT_NOTHING,
                    !anyByte ? "empty reply from server"
                            : phase == Phase.STATUS_LINE && line.length() == 0
                                    ? "server closed the connection after an interim response"
                                    : "connection closed in the middle of the response headers");
        }
    }

    private void readHeadLine(ByteBuffer in) throws HttpException {
        // the budget counts whole lines only: the line reader counts the bytes of the line in progress
        boolean whole;
        try {
            whole = line.read(in, maxHeaderBytes - headBytes, "response header block");
        } catch (HttpException tooLarge) {
            // a reply that is not HTTP is one however it arrives, before it is a long one
            if (phase == Phase.STATUS_LINE) {
                checkStatusPrefix();
            }
            throw tooLarge;
        }
        if (whole) {
            headBytes += line.consumed();
        }
        if (phase == Phase.STATUS_LINE) {
            checkStatusPrefix();
        }
        if (!whole) {
            return;
        }
        if (phase == Phase.STATUS_LINE) {
            parseStatusLine();
            phase = Phase.FIELDS;
        } else if (line.length() == 0) {
            endOfFields();
        } else {
            addField();
        }
    }

    /** Rejects a reply that does not start like an HTTP/1.x status line, as soon as that is clear. */
    private void checkStatusPrefix() throws HttpException {
        int n = Math.min(line.length(), HTTP_SLASH.length);
        for (int i = 0; i < n; i++) {
            if (line.byteAt(i) != HTTP_SLASH[i]) {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY,
                        "expected an HTTP/1.x status line but got " + line.quoted());
            }
        }
    }

    private void parseStatusLine() throws HttpException {
        String text = line.text(0);
        boolean ok = text.length() >= 12 && (text.startsWith("HTTP/1.1 ") || text.startsWith("HTTP/1.0 "))
                && isDigit(text.charAt(9)) && isDigit(text.charAt(10)) && isDigit(text.charAt(11))
                && (text.length() == 12 || text.charAt(12) == ' ');
        int code = ok ? Integer.parseInt(text.substring(9, 12)) : 0;
        if (!ok || code < 100 || code > 599) {
            throw new HttpException(FetchError.WEIRD_SERVER_REPLY, "invalid status line " + line.quoted());
        }
        version = text.substring(0, 8);
        status = code;
        reason = text.length() > 13 ? text.substring(13) : "";
        fields.clear();
    }

    private void addField() throws HttpException {
        byte first = line.byteAt(0);
        if (first == ' ' || first == '\t') {
            if (fields.isEmpty()) {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY,
                        "first header line starts with whitespace: " + line.quoted());
            }
            Map.Entry<String, String> last = fields.remove(fields.size() - 1);
            fields.add(Map.entry(last.getKey(), (last.getValue() + " " + line.text(0).strip()).strip()));
            return;
        }
        if (fields.size() >= MAX_FIELDS) {
            throw new HttpException(FetchError.TOO_LARGE, "more than " + MAX_FIELDS + " header fields");
        }
        fields.add(HeaderLines.parseField(line, "header"));
    }

    private void endOfFields() throws HttpException {
        if (status >= 100 && status < 200) {
            if (status == 101) {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY, "unexpected 101 Switching Protocols");
            }
            events.interim(status, version, Headers.of(fields));
            phase = Phase.STATUS_LINE;
            return;
        }
        finalStatusSeen = true;
        Headers headers = Headers.of(fields);
        finalHeaders = headers;
        keepAlive = version.equals("HTTP/1.1") ? !headers.hasToken("Connection", "close")
                : headers.hasToken("Connection", "keep-alive");
        body = chooseFraming(headers);
        sink = events.finalHead(status, version, headers, body == null ? 0 : announcedLength);
        phase = body == null ? Phase.DONE : Phase.BODY;
    }

    private BodyDecoder chooseFraming(Headers headers) throws HttpException {
        if (!bodyAllowed || status == 204 || status == 304) {
            return null;
        }
        if (headers.contains("Transfer-Encoding")) {
            checkTransferCodings(headers.all("Transfer-Encoding"));
            if (headers.contains("Content-Length")) {
                keepAlive = false;
            }
            return new ChunkedBody(maxHeaderBytes);
        }
        if (headers.contains("Content-Length")) {
            long length = contentLength(headers.all("Content-Length"));
            announcedLength = length;
            return length == 0 ? null : new FixedLengthBody(length);
        }
        keepAlive = false;
        return new UntilCloseBody();
    }

    private static void checkTransferCodings(List<String> values) throws HttpException {
        List<String> codings = new ArrayList<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    codings.add(part.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        if (codings.isEmpty() || !codings.get(codings.size() - 1).equals("chunked")) {
            throw new HttpException(FetchError.BAD_CONTENT_ENCODING,
                    "Transfer-Encoding does not end in chunked: " + Quote.text(String.join(", ", values)));
        }
        for (String coding : codings) {
            if (!coding.equals("chunked")) {
                throw new HttpException(FetchError.BAD_CONTENT_ENCODING, "unsupported transfer coding " + Quote.text(coding));
            }
        }
    }

    private static long contentLength(List<String> values) throws HttpException {
        long length = -1;
        for (String value : values) {
            for (String part : value.split(",", -1)) {
                String digits = part.strip();
                if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(ResponseParser::isDigit)) {
                    throw new HttpException(FetchError.WEIRD_SERVER_REPLY, "invalid Content-Length " + Quote.text(value));
                }
                long n = Long.parseLong(digits);
                if (length >= 0 && n != length) {
                    throw new HttpException(FetchError.WEIRD_SERVER_REPLY,
                            "conflicting Content-Length values " + Quote.text(String.join(", ", values)));
                }
                length = n;
            }
        }
        return length;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** Whether any byte of a response arrived. */
    public boolean receivedAny() {
        return anyByte;
    }

    /** Whether the response is complete. */
    public boolean complete() {
        return phase == Phase.DONE;
    }

    /** Whether the final status line and headers are in. */
    public boolean headComplete() {
        return finalStatusSeen;
    }

    /** Whether the connection may carry another request once this response is complete. */
    public boolean connectionReusable() {
        return phase == Phase.DONE && keepAlive && !trailingGarbage && (body == null || body.reusable());
    }

    /** The final status code. */
    public int status() {
        return status;
    }

    /** The protocol of the final status line, {@code HTTP/1.1} or {@code HTTP/1.0}. */
    public String version() {
        return version;
    }

    /** The reason phrase of the final status line. */
    public String reason() {
        return reason;
    }

    /** The final response's header fields. */
    public Headers headers() {
        return finalHeaders != null ? finalHeaders : Headers.of(fields);
    }

    /** Trailer fields of a chunked body; empty otherwise. */
    public Headers trailers() {
        return body instanceof ChunkedBody chunked ? Headers.of(chunked.trailers()) : Headers.EMPTY;
    }

    /** The body bytes received so far when the parser keeps the body; empty otherwise. */
    public byte[] body() {
        return collector == null ? new byte[0] : collector.toByteArray();
    }

    /** The final response's Content-Length, or -1 when unknown (chunked, until close, or not yet known). */
    public long contentLength() {
        return announcedLength;
    }

    /** Body bytes received so far (as framed, before content decoding). */
    public long bodySize() {
        return body == null ? 0 : body.payloadBytes();
    }
}
