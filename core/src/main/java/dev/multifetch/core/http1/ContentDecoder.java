package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Undoes the {@code Content-Encoding} of a body (RFC 9110 section 8.4) as it arrives: a sink that
 * takes the body as framed on the wire and hands the decoded bytes to {@code downstream} in pieces
 * of at most {@link #MAX_WRITE_SIZE} bytes. libcurl: the content-decoding writers of
 * {@code lib/content_encoding.c} ({@code CURLOPT_ACCEPT_ENCODING}).
 *
 * <p>Codings are undone in the reverse of the order they are listed, since the last one listed was
 * applied last: {@code Content-Encoding: deflate, gzip} is un-gzipped, then inflated. Understood:
 * {@code gzip} (alias {@code x-gzip}), {@code deflate} (zlib-wrapped, or raw as some servers send
 * it), and {@code identity} (alias {@code none}). Failures, each a {@link HttpException}:
 * <ul>
 * <li>more than {@link #MAX_CODINGS} codings: {@link FetchError#BAD_CONTENT_ENCODING} from
 *     {@link #wrap}, before any body byte (curl test 387);</li>
 * <li>a coding it does not know: {@link FetchError#BAD_CONTENT_ENCODING} naming it, at the first
 *     body byte, so a response without a body still succeeds (curl's deferred error writer);</li>
 * <li>corrupt compressed data, or a stream cut off when the body ends:
 *     {@link FetchError#BAD_CONTENT_ENCODING} with the inflater's reason (curl tests 221, 223);</li>
 * <li>bytes after the end of a compressed stream, a second gzip member included:
 *     {@link FetchError#WRITE_ERROR}, as curl has it;</li>
 * <li>more than {@code maxDecodedBytes} from any one stage: {@link FetchError#FILESIZE_EXCEEDED}
 *     before the excess is handed on (curl test 1618). Intermediate stages count too, so a stacked
 *     bomb whose inner stream inflates to nothing still stops.</li>
 * </ul>
 *
 * <p>Call {@link #end()} when the framing says the body is complete, and {@link #close()} when the
 * transfer ends in any way: it frees the inflaters' native memory at once rather than at garbage
 * collection. Not thread-safe: one transfer's thread drives it.
 */
public final class ContentDecoder implements BodySink, AutoCloseable {

    /** The most codings one body may carry. curl: MAX_ENCODE_STACK. */
    public static final int MAX_CODINGS = 5;

    /** The largest piece handed downstream in one write. curl: CURL_MAX_WRITE_SIZE. */
    public static final int MAX_WRITE_SIZE = 16 * 1024;

    private final BodySink head;
    private final List<InflateSink> inflaters;
    private final Capped output;

    private ContentDecoder(BodySink head, List<InflateSink> inflaters, Capped output) {
        this.head = head;
        this.inflaters = inflaters;
        this.output = output;
    }

    /**
     * Builds the decoder for a response's {@code Content-Encoding} field values, in the order they
     * appeared; each value may list several codings separated by commas. No values, or only
     * {@code identity}, gives a decoder that only bounds and splits the body.
     *
     * @param contentEncoding the field values; names are matched without regard to case
     * @param downstream      where decoded bytes go; its {@link BodySink#end()} is called by ours
     * @param maxDecodedBytes most bytes any decoding stage may produce, and so the most handed on
     * @throws HttpException with {@link FetchError#BAD_CONTENT_ENCODING} for more than
     *                       {@link #MAX_CODINGS} codings
     */
    public static ContentDecoder wrap(List<String> contentEncoding, BodySink downstream, long maxDecodedBytes)
            throws HttpException {
        if (maxDecodedBytes < 0) {
            throw new IllegalArgumentException("maxDecodedBytes < 0: " + maxDecodedBytes);
        }
        List<String> codings = codings(contentEncoding);
        if (codings.size() > MAX_CODINGS) {
            throw new HttpException(FetchError.BAD_CONTENT_ENCODING, "Reject response exceeding limit of "
                    + MAX_CODINGS + " content encodings: " + Quote.text(String.join(", ", contentEncoding)));
        }
        Capped output = new Capped(downstream, maxDecodedBytes);
        BodySink sink = output;
        List<InflateSink> inflaters = new ArrayList<>();
        for (String coding : codings) {
            switch (coding) {
                case "identity", "none" -> { }
                case "gzip", "x-gzip" -> sink = add(inflaters, new InflateSink(InflateSink.Coding.GZIP, sink, maxDecodedBytes));
                case "deflate" -> sink = add(inflaters, new InflateSink(InflateSink.Coding.DEFLATE, sink, maxDecodedBytes));
                default -> sink = new Unrecognized(coding, sink);
            }
        }
        return new ContentDecoder(sink, List.copyOf(inflaters), output);
    }

    private static BodySink add(List<InflateSink> inflaters, InflateSink stage) {
        inflaters.add(stage);
        return stage;
    }

    /**
     * Splits {@code Content-Encoding} values into coding names in lower case, skipping empty list
     * elements and the blanks around names. curl: Curl_build_unencoding_stack().
     */
    static List<String> codings(List<String> values) {
        List<String> names = new ArrayList<>();
        for (String value : values) {
            for (String part : value.split(",", -1)) {
                String name = part.strip();
                if (!name.isEmpty()) {
                    names.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** Decodes {@code length} bytes of the body as framed; may hand any number of pieces downstream. */
    @Override
    public void write(ByteBuffer src, int length) throws HttpException {
        if (length > 0) {
            head.write(src, length);
        }
    }

    /** The body is complete: fails if a compressed stream was cut off, then ends {@code downstream}. */
    @Override
    public void end() throws HttpException {
        try {
            head.end();
        } finally {
            close();
        }
    }

    /** Frees every inflater's native memory; idempotent, and safe after a failure. */
    @Override
    public void close() {
        for (InflateSink stage : inflaters) {
            stage.close();
        }
    }

    /** Whether decoded bytes wait for a paused downstream, or it is paused: no input should come now. */
    @Override
    public boolean paused() {
        return output.paused();
    }

    /**
     * Hands decoded bytes held back during a pause downstream, until it pauses again; returns
     * true when none is left.
     */
    public boolean resumeDelivery() throws HttpException {
        return output.drain();
    }

    /** Decoded bytes handed downstream so far. */
    public long decodedBytes() {
        return output.total;
    }

    static HttpException tooLarge(long limit) {
        return new HttpException(FetchError.FILESIZE_EXCEEDED,
                "decoded body exceeds the maximum of " + limit + " bytes");
    }

    /** The last stage: counts the decoded bytes against the limit and splits them into pieces. */
    private static final class Capped implements BodySink {

        private final BodySink downstream;
        private final long limit;
        private long total;
        private ByteBuffer held;

        Capped(BodySink downstream, long limit) {
            this.downstream = downstream;
            this.limit = limit;
        }

        @Override
        public void write(ByteBuffer src, int length) throws HttpException {
            if (total + length > limit) {
                throw tooLarge(limit);
            }
            total += length;
            int left = length;
            while (left > 0 && held == null) {
                if (downstream.paused()) {
                    hold(src, left);
                    return;
                }
                int n = Math.min(left, MAX_WRITE_SIZE);
                downstream.write(src, n);
                left -= n;
            }
            if (left > 0) {
                hold(src, left);
            }
        }

        /** Keeps decoded bytes a paused downstream cannot take: at most one input piece's output. */
        private void hold(ByteBuffer src, int length) {
            ByteBuffer more = ByteBuffer.allocate((held == null ? 0 : held.remaining()) + length);
            if (held != null) {
                more.put(held);
            }
            more.put(src.slice(src.position(), length));
            src.position(src.position() + length);
            held = more.flip();
        }

        boolean drain() throws HttpException {
            while (held != null && !downstream.paused()) {
                int n = Math.min(held.remaining(), MAX_WRITE_SIZE);
                downstream.write(held, n);
                if (!held.hasRemaining()) {
                    held = null;
                }
            }
            return held == null;
        }

        @Override
        public boolean paused() {
            return held != null || downstream.paused();
        }

        @Override
        public void end() throws HttpException {
            downstream.end();
        }
    }

    /** A coding this decoder does not know: fails at the first body byte. curl: error_writer. */
    private static final class Unrecognized implements BodySink {

        private final String coding;
        private final BodySink downstream;

        Unrecognized(String coding, BodySink downstream) {
            this.coding = coding;
            this.downstream = downstream;
        }

        @Override
        public void write(ByteBuffer src, int length) throws HttpException {
            throw new HttpException(FetchError.BAD_CONTENT_ENCODING, "Unrecognized content encoding type "
                    + Quote.text(coding) + ": multifetch understands deflate, gzip content encodings");
        }

        /** An empty body carries nothing to decode, so the unknown coding does no harm. */
        @Override
        public void end() throws HttpException {
            downstream.end();
        }
    }
}
