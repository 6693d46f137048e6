package dev.multifetch.core.http2;

import dev.multifetch.core.http1.Quote;
import java.util.List;
import java.util.Map;

/**
 * HTTP/2's rules for the fields of a response or trailers (RFC 9113 sections 8.2 and 8.3):
 * names in lower case without controls, {@code :status} the only pseudo-header and only before
 * the regular fields, no connection-specific fields, no CR, LF or NUL in a value. A breach makes
 * the message malformed: a stream error of type PROTOCOL_ERROR.
 */
final class FieldRules {

    private FieldRules() {
    }

    /** Checks a response head; returns its {@code :status}. */
    static int checkHead(int streamId, List<Map.Entry<String, String>> fields) throws Http2Exception {
        int status = -1;
        boolean regularSeen = false;
        for (Map.Entry<String, String> f : fields) {
            String name = f.getKey();
            if (name.startsWith(":")) {
                if (!name.equals(":status") || regularSeen || status != -1) {
                    throw malformed(streamId, "pseudo-header " + Quote.text(name) + " not allowed here in a response");
                }
                status = parseStatus(streamId, f.getValue());
            } else {
                regularSeen = true;
                checkField(streamId, name, f.getValue());
            }
        }
        if (status == -1) {
            throw malformed(streamId, "response without :status");
        }
        return status;
    }

    /** Checks trailers: regular fields only. */
    static void checkTrailers(int streamId, List<Map.Entry<String, String>> fields) throws Http2Exception {
        for (Map.Entry<String, String> f : fields) {
            if (f.getKey().startsWith(":")) {
                throw malformed(streamId, "pseudo-header " + Quote.text(f.getKey()) + " in trailers");
            }
            checkField(streamId, f.getKey(), f.getValue());
        }
    }

    private static int parseStatus(int streamId, String value) throws Http2Exception {
        if (value.length() != 3 || !Character.isDigit(value.charAt(0)) || !Character.isDigit(value.charAt(1))
                || !Character.isDigit(value.charAt(2)) || value.charAt(0) == '0') {
            throw malformed(streamId, ":status is not a three-digit code: " + Quote.text(value));
        }
        return Integer.parseInt(value);
    }

    private static void checkField(int streamId, String name, String value) throws Http2Exception {
        if (name.isEmpty()) {
            throw malformed(streamId, "empty field name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || (c >= 'A' && c <= 'Z')) {
                throw malformed(streamId, "field name " + Quote.text(name) + " has a character not allowed in HTTP/2 (upper case or control)");
            }
        }
        if (isConnectionSpecific(name)) {
            throw malformed(streamId, "connection-specific field \"" + name + "\" in an HTTP/2 response");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw malformed(streamId, "field " + Quote.text(name) + " has CR, LF or NUL in its value");
            }
        }
    }

    /** Fields that only mean something to one HTTP/1.1 connection (RFC 9113 section 8.2.2). */
    static boolean isConnectionSpecific(String lowerName) {
        return switch (lowerName) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> true;
            default -> false;
        };
    }

    private static Http2Exception malformed(int streamId, String why) {
        return Http2Exception.stream(ErrorCode.PROTOCOL_ERROR, streamId, "malformed response on stream " + streamId + ": " + why);
    }
}
