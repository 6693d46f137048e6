package dev.multifetch.sample.fetch;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a body is text and decodes it: a textual {@code Content-Type} in its charset
 * (UTF-8 when it names none), or no {@code Content-Type} and valid UTF-8 without control
 * characters. Bytes that do not decode cleanly are not text (the answer carries them as base64).
 * A body cut at the return limit may end inside a character: that partial character is dropped.
 */
final class BodyText {

    private BodyText() {
    }

    static Optional<String> decode(String contentType, byte[] bytes, boolean truncated) {
        if (contentType == null) {
            return decodeWith(StandardCharsets.UTF_8, bytes, truncated).filter(BodyText::looksLikeText);
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!isTextual(mediaType)) {
            return Optional.empty();
        }
        return charset(contentType).flatMap((charset) -> decodeWith(charset, bytes, truncated));
    }

    private static boolean isTextual(String mediaType) {
        return mediaType.startsWith("text/") || mediaType.endsWith("+json") || mediaType.endsWith("+xml")
                || mediaType.equals("application/json") || mediaType.equals("application/xml")
                || mediaType.equals("application/javascript") || mediaType.equals("application/ecmascript")
                || mediaType.equals("application/x-www-form-urlencoded") || mediaType.equals("application/x-ndjson")
                || mediaType.equals("application/yaml") || mediaType.equals("application/graphql");
    }

    private static Optional<Charset> charset(String contentType) {
        for (String parameter : contentType.split(";")) {
            String p = parameter.strip();
            if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                String name = p.substring("charset=".length()).replace("\"", "").strip();
                try {
                    return Optional.of(Charset.forName(name));
                } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(StandardCharsets.UTF_8);
    }

    private static Optional<String> decodeWith(Charset charset, byte[] bytes, boolean truncated) {
        CharsetDecoder decoder = charset.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate((int) Math.ceil(bytes.length * (double) decoder.maxCharsPerByte()) + 1);
        // a cut body is not at the end of its input: an incomplete last character is left over, not an error
        CoderResult result = decoder.decode(in, out, !truncated);
        if (result.isError()) {
            return Optional.empty();
        }
        if (!truncated) {
            try {
                if (decoder.flush(out).isError()) {
                    return Optional.empty();
                }
            } catch (IllegalStateException ex) {
                return Optional.empty();
            }
        }
        return Optional.of(out.flip().toString());
    }

    private static boolean looksLikeText(String text) {
        return text.chars().noneMatch((c) -> c < 0x20 && c != '\t' && c != '\n' && c != '\r');
    }
}
