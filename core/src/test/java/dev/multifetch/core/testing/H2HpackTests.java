package dev.multifetch.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fixtures' own HPACK against the byte vectors of RFC 7541 Appendix C. */
@Timeout(10)
class H2HpackTests {

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    @Test
    void whenTheRfcC3RequestsWithoutHuffmanAreDecodedThenFieldsMatch() throws IOException {
        H2Hpack decoder = new H2Hpack();

        assertThat(decoder.decode(hex("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"))).containsExactly(
                Map.entry(":method", "GET"), Map.entry(":scheme", "http"), Map.entry(":path", "/"),
                Map.entry(":authority", "www.example.com"));
        assertThat(decoder.decode(hex("8286 84be 5808 6e6f 2d63 6163 6865"))).endsWith(
                Map.entry(":authority", "www.example.com"), Map.entry("cache-control", "no-cache"));
        assertThat(decoder.dynamicTableSize()).isEqualTo(110);
    }

    @Test
    void whenTheRfcC4RequestsWithHuffmanAreDecodedInOrderThenFieldsAndTableMatch() throws IOException {
        H2Hpack decoder = new H2Hpack();

        assertThat(decoder.decode(hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"))).containsExactly(
                Map.entry(":method", "GET"), Map.entry(":scheme", "http"), Map.entry(":path", "/"),
                Map.entry(":authority", "www.example.com"));
        assertThat(decoder.dynamicTableSize()).isEqualTo(57);
        assertThat(decoder.decode(hex("8286 84be 5886 a8eb 1064 9cbf"))).containsExactly(
                Map.entry(":method", "GET"), Map.entry(":scheme", "http"), Map.entry(":path", "/"),
                Map.entry(":authority", "www.example.com"), Map.entry("cache-control", "no-cache"));
        assertThat(decoder.dynamicTableSize()).isEqualTo(110);
        assertThat(decoder.decode(hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"))).containsExactly(
                Map.entry(":method", "GET"), Map.entry(":scheme", "https"), Map.entry(":path", "/index.html"),
                Map.entry(":authority", "www.example.com"), Map.entry("custom-key", "custom-value"));
        assertThat(decoder.dynamicTableEntries()).isEqualTo(3);
        assertThat(decoder.dynamicTableSize()).isEqualTo(164);
    }

    @Test
    void whenTheRfcC6ResponsesOverflowA256OctetTableThenTheOldestEntriesAreEvicted() throws IOException {
        H2Hpack decoder = new H2Hpack(256);

        decoder.decode(hex("4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3"));
        assertThat(decoder.dynamicTableSize()).isEqualTo(222);
        assertThat(decoder.decode(hex("4883 640e ffc1 c0bf"))).startsWith(Map.entry(":status", "307"));
        assertThat(decoder.dynamicTableSize()).isEqualTo(222);
        List<Map.Entry<String, String>> third = decoder.decode(hex("88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166"
                + "e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27"
                + "0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"));

        assertThat(third).containsExactly(Map.entry(":status", "200"), Map.entry("cache-control", "private"),
                Map.entry("date", "Mon, 21 Oct 2013 20:13:22 GMT"), Map.entry("location", "https://www.example.com"),
                Map.entry("content-encoding", "gzip"),
                Map.entry("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"));
        assertThat(decoder.dynamicTableEntries()).isEqualTo(3);
        assertThat(decoder.dynamicTableSize()).isEqualTo(215);
    }

    @Test
    void whenFieldsAreEncodedThenTheyDecodeBackUnchangedAndLeaveNoTableEntry() throws IOException {
        List<Map.Entry<String, String>> fields = List.of(Map.entry(":status", "200"), Map.entry("X-Upper", "kept"),
                Map.entry("long", "v".repeat(300)), Map.entry("empty", ""));
        H2Hpack decoder = new H2Hpack();

        assertThat(decoder.decode(H2Hpack.encode(fields))).isEqualTo(fields);
        assertThat(decoder.dynamicTableEntries()).isZero();
    }

    @Test
    void whenHuffmanPaddingIsNotAPrefixOfEosThenDecodingFails() {
        // "a" is 00011 (5 bits): padded with ones it is 0x1f; padded with zeros 0x18
        assertThat(catchString(hex("1f"))).isEqualTo("a");
        assertThatThrownBy(() -> H2Hpack.huffmanDecode(hex("18"))).hasMessageContaining("padding");
        assertThatThrownBy(() -> H2Hpack.huffmanDecode(hex("1f ff"))).hasMessageContaining("padding");
    }

    @Test
    void whenAnIndexIsOutsideBothTablesThenDecodingFailsNamingIt() {
        assertThatThrownBy(() -> new H2Hpack().decode(hex("be"))).hasMessageContaining("index 62");
    }

    private static String catchString(byte[] huffman) {
        try {
            return H2Hpack.huffmanDecode(huffman);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
