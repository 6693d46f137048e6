package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An incremental HTTP/1.1 response parser: it accepts whatever bytes arrived, keeps partial
 * state, and says when the response is complete. Interim 1xx responses are skipped; the final
 * response's framing (Transfer-Encoding over Content-Length, fixed length, until close, none for
 * HEAD, 204 and 304) is chosen as RFC 9112 section 6.3 and curl do. Every input is bounded.
 * Not thread-safe.
 */
public final class ResponseParser implements dev.multifetch.core.exchange.ResponseProgress {

    private static final int MAX_FIELDS = 1000;
    private static final byte[] HTTP_SLASH = {'H', 'T', 'T', 'P', '/'};
    private static final byte[] HTTP_1_1 = "HTTP/1.1".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] HTTP_1_0 = "HTTP/1.0".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] EMPTY = new byte[0];
    private static final int[] NO_RANGES = new int[0];

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
    /** The head in progress: the line being read, after the fields already read (without line ends). */
    private byte[] head = new byte[256];
    private int headLen;
    private int lineLen;
    private int lineConsumed;
    /** Per field read: name start, name end, value start, value end in {@code head}. */
    private int[] ranges = new int[32];
    private int fieldCount;
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
                    anyByte && !(phase == Phase.STATUS_LINE && lineLen == 0)
                            ? FetchError.PARTIAL_FILE : FetchError.GOT_NOTHING,
                    !anyByte ? "empty reply from server"
                            : phase == Phase.STATUS_LINE && lineLen == 0
                                    ? "server closed the connection after an interim response"
                                    : "connection closed in the middle of the response headers");
        }
    }

    /**
     * Reads (part of) a head line. Two bounds, as curl has them: one line longer than the limit is
     * {@link FetchError#TOO_LARGE} as soon as that is clear; lines that each fit but add up past the
     * limit (interim heads included) are {@link FetchError#RECV_ERROR} at the end of the line that
     * passes it (curl: http.c Curl_bump_headersize()). Memory stays within twice the limit.
     */
    private void readHeadLine(ByteBuffer in) throws HttpException {
        // the line in progress is counted once however it arrives, its terminator included
        int room = maxHeaderBytes - lineConsumed;
        int pos = in.position();
        int scanEnd = (int) Math.min(in.limit(), (long) pos + Math.max(room, 0));
        int lf = HeaderLines.indexOfLf(in, pos, scanEnd);
        int take = (lf >= 0 ? lf : scanEnd) - pos;
        int at = headLen + lineLen;
        ensureHead(at + take);
        in.get(head, at, take);
        lineLen += take;
        lineConsumed += take;
        if (phase == Phase.STATUS_LINE) {
            // a reply that is not HTTP is one however it arrives, before it is a long one
            checkStatusPrefix();
        }
        if (lf < 0) {
            if (lineConsumed >= maxHeaderBytes) {
                throw new HttpException(FetchError.TOO_LARGE, "response header line longer than " + maxHeaderBytes
                        + " bytes: " + Quote.bytes(head, headLen, lineLen));
            }
            return;
        }
        in.get();
        headBytes += lineConsumed + 1;
        if (headBytes > maxHeaderBytes) {
            throw new HttpException(FetchError.RECV_ERROR, "response headers larger than " + maxHeaderBytes
                    + " bytes in all (interim responses included), at " + Quote.bytes(head, headLen, lineLen));
        }
        if (lineLen > 0 && head[headLen + lineLen - 1] == '\r') {
            lineLen--;
        }
        int length = lineLen;
        lineLen = 0;
        lineConsumed = 0;
        if (phase == Phase.STATUS_LINE) {
            parseStatusLine(length);
            phase = Phase.FIELDS;
        } else if (length == 0) {
            endOfFields();
        } else {
            addField(length);
        }
    }

    private void ensureHead(int size) {
        if (size > head.length) {
            head = Arrays.copyOf(head, Math.max(size, head.length * 2));
        }
    }

    /**
     * Rejects a reply that does not start with {@code HTTP/} as soon as that is clear: it is an
     * HTTP/0.9 reply (a body without a head), which curl refuses as
     * {@link FetchError#UNSUPPORTED_PROTOCOL} ("Received HTTP/0.9 when not allowed").
     */
    private void checkStatusPrefix() throws HttpException {
        int n = Math.min(lineLen, HTTP_SLASH.length);
        for (int i = 0; i < n; i++) {
            if (head[i] != HTTP_SLASH[i]) {
                throw new HttpException(FetchError.UNSUPPORTED_PROTOCOL, "expected an HTTP/1.x status line but got "
                        + Quote.bytes(head, 0, lineLen) + ": an HTTP/0.9 reply, which is not supported");
            }
        }
    }

    /**
     * The status line is the first line kept in {@code head}; fields are kept from its start
     * afterwards. A version other than 1.0 and 1.1 ({@code HTTP/1.2}, {@code HTTP/2},
     * {@code HTTP/3.0} on this HTTP/1.1 connection) is {@link FetchError#UNSUPPORTED_PROTOCOL} as in
     * curl; any other flaw is a weird reply.
     */
    private void parseStatusLine(int length) throws HttpException {
        HeaderLines.checkNulAndCr(head, 0, length, "status");
        boolean known = length >= 9 && (startsWith(HTTP_1_1) || startsWith(HTTP_1_0)) && head[8] == ' ';
        if (!known && looksLikeVersion(length)) {
            throw new HttpException(FetchError.UNSUPPORTED_PROTOCOL,
                    "unsupported HTTP version in status line " + Quote.bytes(head, 0, length));
        }
        boolean ok = length >= 12 && known
                && isDigit(head[9]) && isDigit(head[10]) && isDigit(head[11]) && (length == 12 || head[12] == ' ');
        int code = ok ? (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0') : 0;
        if (!ok || code < 100 || code > 599) {
            throw new HttpException(FetchError.WEIRD_SERVER_REPLY, "invalid status line " + Quote.bytes(head, 0, length));
        }
        version = head[7] == '1' ? "HTTP/1.1" : "HTTP/1.0";
        status = code;
        reason = length <= 13 ? "" : length == 15 && head[13] == 'O' && head[14] == 'K' ? "OK"
                : new String(head, 13, length - 13, StandardCharsets.ISO_8859_1);
        fieldCount = 0;
        headLen = 0;
    }

    /** Whether the line starts {@code HTTP/d} or {@code HTTP/d.d} then a space or its end. */
    private boolean looksLikeVersion(int length) {
        int at = HTTP_SLASH.length;
        if (length <= at || !isDigit(head[at])) {
            return false;
        }
        at++;
        if (at + 1 < length && head[at] == '.' && isDigit(head[at + 1])) {
            at += 2;
        }
        return at == length || head[at] == ' ';
    }

    private boolean startsWith(byte[] prefix) {
        return Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The line at {@code headLen} is a field (or the continuation of one): check it and keep its ranges. */
    private void addField(int length) throws HttpException {
        int from = headLen;
        byte first = head[from];
        if (first == ' ' || first == '\t') {
            if (fieldCount == 0) {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY,
                        "first header line starts with whitespace: " + Quote.bytes(head, from, length));
            }
            HeaderLines.checkNulAndCr(head, from, from + length, "header");
            foldIntoLastField(from, from + length);
            return;
        }
        if (fieldCount >= MAX_FIELDS) {
            throw new HttpException(FetchError.TOO_LARGE, "more than " + MAX_FIELDS + " header fields");
        }
        if (ranges.length < 4 * (fieldCount + 1)) {
            ranges = Arrays.copyOf(ranges, ranges.length * 2);
        }
        HeaderLines.split(head, from, from + length, "header", ranges, 4 * fieldCount);
        fieldCount++;
        headLen = from + length;
    }

    /**
     * An obsolete line folding (RFC 9112 section 5.2): the last field's value, a space, then the
     * trimmed continuation, trimmed again. The value is the last thing kept, so it grows in place.
     */
    private void foldIntoLastField(int from, int to) {
        int last = 4 * (fieldCount - 1);
        while (from < to && Character.isWhitespace(head[from] & 0xff)) {
            from++;
        }
        while (to > from && Character.isWhitespace(head[to - 1] & 0xff)) {
            to--;
        }
        int valueEnd = ranges[last + 3];
        head[valueEnd] = ' ';
        System.arraycopy(head, from, head, valueEnd + 1, to - from);
        valueEnd += 1 + to - from;
        int valueStart = ranges[last + 2];
        while (valueStart < valueEnd && Character.isWhitespace(head[valueStart] & 0xff)) {
            valueStart++;
        }
        while (valueEnd > valueStart && Character.isWhitespace(head[valueEnd - 1] & 0xff)) {
            valueEnd--;
        }
        ranges[last + 2] = valueStart;
        ranges[last + 3] = valueEnd;
        headLen = Math.max(valueEnd, ranges[last + 1]);
    }

    /** The fields kept so far as a block: the final head's hands over the buffer, an interim head's is a copy. */
    private HeaderBlock block(boolean handOver) {
        if (handOver) {
            HeaderBlock block = new HeaderBlock(head, ranges, fieldCount);
            head = EMPTY;
            ranges = NO_RANGES;
            return block;
        }
        return new HeaderBlock(Arrays.copyOf(head, headLen), Arrays.copyOf(ranges, 4 * fieldCount), fieldCount);
    }

    private void endOfFields() throws HttpException {
        if (status >= 100 && status < 200) {
            if (status == 101) {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY, "unexpected 101 Switching Protocols");
            }
            events.interim(status, version, Headers.of(block(false)));
            fieldCount = 0;
            headLen = 0;
            phase = Phase.STATUS_LINE;
            return;
        }
        finalStatusSeen = true;
        HeaderBlock fields = block(true);
        Headers headers = Headers.of(fields);
        finalHeaders = headers;
        keepAlive = version.equals("HTTP/1.1") ? !fields.hasToken("Connection", "close")
                : fields.hasToken("Connection", "keep-alive");
        body = chooseFraming(fields);
        sink = events.finalHead(status, version, headers, body == null ? 0 : announcedLength);
        if (sink == BodySink.DISCARD && body != null && !(keepAlive && body.reusable())) {
            // a body nobody reads on a connection that closes anyway is not waited for (curl: http.c, "Ignoring the response-body")
            body = null;
            keepAlive = false;
        }
        phase = body == null ? Phase.DONE : Phase.BODY;
    }

    private BodyDecoder chooseFraming(HeaderBlock headers) throws HttpException {
        if (!bodyAllowed || status == 204 || status == 304) {
            return null;
        }
        if (headers.indexOf("Transfer-Encoding", 0) >= 0) {
            if (headers.indexOf("Content-Length", 0) >= 0) {
                keepAlive = false;
            }
            if (chunkedLast(headers.all("Transfer-Encoding"))) {
                return new ChunkedBody(maxHeaderBytes);
            }
            keepAlive = false;
            return new UntilCloseBody();
        }
        if (headers.indexOf("Content-Length", 0) >= 0) {
            long length = contentLength(headers);
            announcedLength = length;
            return length == 0 ? null : new FixedLengthBody(length);
        }
        keepAlive = false;
        return new UntilCloseBody();
    }

    /**
     * Whether the transfer codings, {@code identity} left out as curl ignores it, end in
     * {@code chunked}. When they do not (an empty list, or {@code identity} alone) the body runs
     * until the server closes, as RFC 9112 section 6.3 says. A coding the engine cannot undo
     * ({@code gzip}, {@code compress}, an unknown one) is {@link FetchError#BAD_CONTENT_ENCODING},
     * as curl refuses an unsolicited transfer coding.
     */
    private static boolean chunkedLast(List<String> values) throws HttpException {
        boolean chunked = false;
        for (String value : values) {
            for (String part : value.split(",")) {
                String coding = part.strip().toLowerCase(Locale.ROOT);
                if (coding.equals("chunked")) {
                    chunked = true;
                } else if (!coding.isEmpty() && !coding.equals("identity")) {
                    throw new HttpException(FetchError.BAD_CONTENT_ENCODING, "unsupported transfer coding "
                            + Quote.text(coding) + " in Transfer-Encoding " + Quote.text(String.join(", ", values)));
                }
            }
        }
        return chunked;
    }

    /**
     * Every Content-Length field and every comma-separated element in it must be the same number,
     * at most {@link Long#MAX_VALUE} (RFC 9110 section 8.6; curl refuses conflicting values and
     * ones past its {@code curl_off_t}).
     */
    private static long contentLength(HeaderBlock headers) throws HttpException {
        long length = -1;
        for (int i = headers.indexOf("Content-Length", 0); i >= 0; i = headers.indexOf("Content-Length", i + 1)) {
            int n = headers.valueLength(i);
            for (int at = 0; at <= n; ) {
                int end = at;
                while (end < n && headers.valueByte(i, end) != ',') {
                    end++;
                }
                int from = at;
                int to = end;
                while (from < to && Character.isWhitespace(headers.valueByte(i, from) & 0xff)) {
                    from++;
                }
                while (to > from && Character.isWhitespace(headers.valueByte(i, to - 1) & 0xff)) {
                    to--;
                }
                if (to == from) {
                    throw invalidLength(headers.value(i));
                }
                long value = 0;
                for (int k = from; k < to; k++) {
                    byte b = headers.valueByte(i, k);
                    if (!isDigit(b) || value > (Long.MAX_VALUE - (b - '0')) / 10) {
                        throw invalidLength(headers.value(i));
                    }
                    value = value * 10 + (b - '0');
                }
                if (length >= 0 && value != length) {
                    throw new HttpException(FetchError.WEIRD_SERVER_REPLY, "conflicting Content-Length values "
                            + Quote.text(String.join(", ", headers.all("Content-Length"))));
                }
                length = value;
                at = end + 1;
            }
        }
        return length;
    }

    private static HttpException invalidLength(String value) {
        return new HttpException(FetchError.WEIRD_SERVER_REPLY, "invalid Content-Length " + Quote.text(value));
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
        return finalHeaders != null ? finalHeaders : Headers.of(block(false));
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
