package dev.multifetch.core.proxy;

import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import dev.multifetch.core.http1.Quote;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One response head to CONNECT, taken a byte at a time so that nothing past its empty line is
 * ever read: the status line ({@code HTTP/1.0} or {@code HTTP/1.1} and a three-digit code) and
 * the header fields. Every line is checked as curl checks it: a NUL or a CR not followed by LF
 * is refused, and so is a field line without a colon. A line over 16 KiB or a head over
 * 100 KiB is refused too. curl: cf-h1-proxy.c recv_CONNECT_resp(), http.c verify_header().
 */
final class ConnectHead {

    /** The longest line, without its line end. curl: DYN_PROXY_CONNECT_HEADERS. */
    static final int MAX_LINE = 16 * 1024;
    /** The longest head, line ends included. */
    static final int MAX_HEAD = 100 * 1024;

    private final Wire wire;
    private final int previousCode;
    private final byte[] line = new byte[MAX_LINE + 1];
    private final List<String[]> fields = new ArrayList<>();
    private int lineLength;
    private int headLength;
    private int status;
    private boolean http10;
    private String reason = "";

    /** A head read for {@code wire}'s proxy; failures before the status line carry {@code previousCode}. */
    ConnectHead(Wire wire, int previousCode) {
        this.wire = wire;
        this.previousCode = previousCode;
    }

    /** Takes the next byte of the head; true when it was the LF of the empty line that ends it. */
    boolean take(byte b) throws ProxyException {
        if (++headLength > MAX_HEAD) {
            throw bad("a response head over " + MAX_HEAD / 1024 + " KiB");
        }
        if (b != '\n') {
            if (lineLength == line.length) {
                throw bad("a header line over " + MAX_LINE / 1024 + " KiB: " + Quote.bytes(line, 0, lineLength));
            }
            line[lineLength++] = b;
            return false;
        }
        int end = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        lineLength = 0;
        if (end > MAX_LINE) {
            throw bad("a header line over " + MAX_LINE / 1024 + " KiB: " + Quote.bytes(line, 0, end));
        }
        checkBytes(end);
        if (status == 0) {
            statusLine(end);
            return false;
        }
        if (end == 0) {
            return true;
        }
        field(end);
        return false;
    }

    private void checkBytes(int end) throws ProxyException {
        for (int i = 0; i < end; i++) {
            if (line[i] == 0) {
                throw bad("a NUL byte in a header line: " + Quote.bytes(line, 0, end));
            }
            if (line[i] == '\r') {
                throw bad("a CR not followed by LF in a header line: " + Quote.bytes(line, 0, end));
            }
        }
    }

    private void statusLine(int end) throws ProxyException {
        boolean version = end >= 12 && startsWith("HTTP/1.") && (line[7] == '0' || line[7] == '1') && line[8] == ' ';
        boolean code = version && digit(9) && digit(10) && digit(11) && (end == 12 || line[12] == ' ');
        if (!code) {
            throw bad("a status line that is not HTTP/1.0 or HTTP/1.1 and a three-digit code: " + Quote.bytes(line, 0, end));
        }
        http10 = line[7] == '0';
        status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        reason = end > 13 ? text(13, end).strip() : "";
    }

    private void field(int end) throws ProxyException {
        if (line[0] == ' ' || line[0] == '\t') {
            // obs-fold: the line continues the previous field's value
            if (fields.isEmpty()) {
                throw bad("a folded line before any header field: " + Quote.bytes(line, 0, end));
            }
            String[] last = fields.get(fields.size() - 1);
            last[1] = (last[1] + " " + text(0, end).strip()).strip();
            return;
        }
        int colon = 0;
        while (colon < end && line[colon] != ':' && line[colon] != ' ' && line[colon] != '\t') {
            colon++;
        }
        if (colon == 0 || colon == end || line[colon] != ':') {
            throw bad("a header line without a field name and colon: " + Quote.bytes(line, 0, end));
        }
        fields.add(new String[] {text(0, colon), text(colon + 1, end).strip()});
    }

    private boolean startsWith(String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean digit(int i) {
        return line[i] >= '0' && line[i] <= '9';
    }

    private String text(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private ProxyException bad(String what) {
        return wire.failure(ProxyError.BAD_RESPONSE, status == 0 ? previousCode : status,
                wire.label() + " answered CONNECT with " + what);
    }

    /** The status code. */
    int status() {
        return status;
    }

    /** The reason phrase, maybe empty. */
    String reason() {
        return reason;
    }

    /** The values of every field named {@code name} (any case), in order. */
    List<String> values(String name) {
        List<String> out = new ArrayList<>();
        for (String[] f : fields) {
            if (f[0].equalsIgnoreCase(name)) {
                out.add(f[1]);
            }
        }
        return out;
    }

    /**
     * Whether the proxy closes the connection after this response: {@code Connection: close} or
     * {@code Proxy-Connection: close}, or HTTP/1.0 without a keep-alive.
     */
    boolean closes() {
        if (hasToken("close")) {
            return true;
        }
        return http10 && !hasToken("keep-alive");
    }

    private boolean hasToken(String token) {
        List<String> values = values("Connection");
        values.addAll(values("Proxy-Connection"));
        for (String v : values) {
            for (String t : v.split(",")) {
                if (t.strip().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * How to read past this response's body without reading past its end: chunked, or a
     * Content-Length up to {@link BodyDrain#LIMIT}; empty when the body has no such framing
     * (no length, another transfer coding, conflicting or too large lengths), and the
     * connection must then be given up.
     */
    Optional<BodyDrain> bodyDrain() {
        List<String> codings = values("Transfer-Encoding");
        if (!codings.isEmpty()) {
            String all = String.join(",", codings);
            String last = all.substring(all.lastIndexOf(',') + 1).strip().toLowerCase(Locale.ROOT);
            return last.equals("chunked") ? Optional.of(BodyDrain.chunked()) : Optional.empty();
        }
        long length = -1;
        for (String v : values("Content-Length")) {
            if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (length >= 0 && length != Long.parseLong(v))) {
                return Optional.empty();
            }
            length = Long.parseLong(v);
        }
        return length < 0 || length > BodyDrain.LIMIT ? Optional.empty() : Optional.of(BodyDrain.fixed(length));
    }
}
