package dev.multifetch.core.http2;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Header blocks for the HPACK tests: hex dumps in, fields out as {@code "name: value"} lines. */
final class HpackBlocks {

    private HpackBlocks() {
    }

    /** The bytes of a hex dump such as RFC 7541 Appendix C prints, spaces and line breaks ignored. */
    static byte[] hex(String dump) {
        return HexFormat.of().parseHex(dump.replaceAll("\\s", ""));
    }

    /** Decodes {@code block} whole; its fields as {@code "name: value"}. */
    static List<String> decode(HpackDecoder decoder, byte[] block) throws Http2Exception {
        List<String> fields = new ArrayList<>();
        decoder.decode(ByteBuffer.wrap(block), (name, value) -> fields.add(name + ": " + value));
        return fields;
    }

    /** The decoder's dynamic table, newest entry first, as {@code "name: value"}. */
    static List<String> table(HpackDecoder decoder) {
        List<String> entries = new ArrayList<>();
        for (int i = 1; i <= decoder.tableLength(); i++) {
            HeaderField entry = decoder.tableEntry(i);
            entries.add(entry.name() + ": " + entry.value());
        }
        return entries;
    }

    /** One block of {@code fields}, each {@code "name: value"}, from {@code encoder}. */
    static byte[] encode(HpackEncoder encoder, String... fields) {
        ByteOutput out = new ByteOutput(64);
        encoder.beginBlock(out);
        for (String field : fields) {
            int colon = field.indexOf(": ", 1);
            encoder.field(field.substring(0, colon), field.substring(colon + 2), out);
        }
        return out.toByteArray();
    }
}
