package dev.multifetch.core.http1;

/** Renders untrusted bytes for an error message: printable ASCII, escapes, at most 40 bytes. */
public final class Quote {

    private static final int LIMIT = 40;

    private Quote() {
    }

    /** At most 40 of the bytes, quoted and escaped. */
    public static String bytes(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(len, LIMIT);
        for (int i = 0; i < n; i++) {
            int c = b[off + i] & 0xff;
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        sb.append('"');
        if (len > LIMIT) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** At most 40 characters of {@code s} (one byte each), quoted and escaped. */
    public static String text(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return bytes(b, 0, b.length);
    }
}
