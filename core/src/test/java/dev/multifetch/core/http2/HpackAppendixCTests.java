package dev.multifetch.core.http2;

import static dev.multifetch.core.http2.HpackBlocks.decode;
import static dev.multifetch.core.http2.HpackBlocks.encode;
import static dev.multifetch.core.http2.HpackBlocks.hex;
import static dev.multifetch.core.http2.HpackBlocks.table;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The examples of RFC 7541 Appendix C, byte for byte: each decoded, with the dynamic table after
 * each block; and, where our encoder makes the same choices, encoded.
 */
class HpackAppendixCTests {

    private static final String[] REQUEST_1 = {":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"};
    private static final String[] REQUEST_2 = {":method: GET", ":scheme: http", ":path: /",
        ":authority: www.example.com", "cache-control: no-cache"};
    private static final String[] REQUEST_3 = {":method: GET", ":scheme: https", ":path: /index.html",
        ":authority: www.example.com", "custom-key: custom-value"};
    private static final String[] RESPONSE_1 = {":status: 302", "cache-control: private",
        "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com"};
    private static final String[] RESPONSE_2 = {":status: 307", "cache-control: private",
        "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com"};
    private static final String[] RESPONSE_3 = {":status: 200", "cache-control: private",
        "date: Mon, 21 Oct 2013 20:13:22 GMT", "location: https://www.example.com", "content-encoding: gzip",
        "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"};

    private static final String C4_1 = "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff";
    private static final String C4_2 = "8286 84be 5886 a8eb 1064 9cbf";
    private static final String C4_3 = "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf";
    private static final String C5_2 = "4803 3330 37c1 c0bf";
    private static final String C6_1 = """
            4882 6402 5885 aec3 771a 4b61 96d0 7abe
            9410 54d4 44a8 2005 9504 0b81 66e0 82a6
            2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8
            e9ae 82ae 43d3""";
    private static final String C6_2 = "4883 640e ffc1 c0bf";
    private static final String C6_3 = """
            88c1 6196 d07a be94 1054 d444 a820 0595
            040b 8166 e084 a62d 1bff c05a 839b d9ab
            77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b
            3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
            9587 3160 65c0 03ed 4ee5 b106 3d50 07""";

    private final HpackDecoder decoder = new HpackDecoder(4096, 65536, 1000);

    @Test
    void literalWithIndexingOfC21IsAddedToTheTable() throws Http2Exception {
        byte[] block = hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");

        assertThat(decode(decoder, block)).containsExactly("custom-key: custom-header");
        assertThat(table(decoder)).containsExactly("custom-key: custom-header");
        assertThat(decoder.tableSize()).isEqualTo(55);
    }

    @Test
    void literalWithoutIndexingOfC22LeavesTheTableEmpty() throws Http2Exception {
        assertThat(decode(decoder, hex("040c 2f73 616d 706c 652f 7061 7468"))).containsExactly(":path: /sample/path");
        assertThat(decoder.tableLength()).isZero();
    }

    @Test
    void literalNeverIndexedOfC23LeavesTheTableEmpty() throws Http2Exception {
        byte[] block = hex("1008 7061 7373 776f 7264 0673 6563 7265 74");

        assertThat(decode(decoder, block)).containsExactly("password: secret");
        assertThat(decoder.tableLength()).isZero();
    }

    @Test
    void indexedFieldOfC24ComesFromTheStaticTable() throws Http2Exception {
        assertThat(decode(decoder, hex("82"))).containsExactly(":method: GET");
        assertThat(decoder.tableLength()).isZero();
    }

    @Test
    void requestsOfC3DecodeWithTheTableGrowingAcrossBlocks() throws Http2Exception {
        assertThat(decode(decoder, hex("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"))).containsExactly(REQUEST_1);
        assertThat(table(decoder)).containsExactly(":authority: www.example.com");
        assertThat(decoder.tableSize()).isEqualTo(57);

        assertThat(decode(decoder, hex("8286 84be 5808 6e6f 2d63 6163 6865"))).containsExactly(REQUEST_2);
        assertThat(table(decoder)).containsExactly("cache-control: no-cache", ":authority: www.example.com");
        assertThat(decoder.tableSize()).isEqualTo(110);

        byte[] third = hex("8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65");
        assertThat(decode(decoder, third)).containsExactly(REQUEST_3);
        assertThat(table(decoder)).containsExactly("custom-key: custom-value", "cache-control: no-cache",
                ":authority: www.example.com");
        assertThat(decoder.tableSize()).isEqualTo(164);
    }

    @Test
    void huffmanRequestsOfC4DecodeLikeThoseOfC3() throws Http2Exception {
        assertThat(decode(decoder, hex(C4_1))).containsExactly(REQUEST_1);
        assertThat(decoder.tableSize()).isEqualTo(57);
        assertThat(decode(decoder, hex(C4_2))).containsExactly(REQUEST_2);
        assertThat(decoder.tableSize()).isEqualTo(110);
        assertThat(decode(decoder, hex(C4_3))).containsExactly(REQUEST_3);
        assertThat(table(decoder)).containsExactly("custom-key: custom-value", "cache-control: no-cache",
                ":authority: www.example.com");
        assertThat(decoder.tableSize()).isEqualTo(164);
    }

    @Test
    void responsesOfC5EvictTheOldestEntriesOfA256ByteTable() throws Http2Exception {
        HpackDecoder small = new HpackDecoder(256, 65536, 1000);

        assertThat(decode(small, hex("""
                4803 3330 3258 0770 7269 7661 7465 611d
                4d6f 6e2c 2032 3120 4f63 7420 3230 3133
                2032 303a 3133 3a32 3120 474d 546e 1768
                7474 7073 3a2f 2f77 7777 2e65 7861 6d70
                6c65 2e63 6f6d"""))).containsExactly(RESPONSE_1);
        assertFirstResponseTable(small);

        assertThat(decode(small, hex(C5_2))).containsExactly(RESPONSE_2);
        assertSecondResponseTable(small);

        assertThat(decode(small, hex("""
                88c1 611d 4d6f 6e2c 2032 3120 4f63 7420
                3230 3133 2032 303a 3133 3a32 3220 474d
                54c0 5a04 677a 6970 7738 666f 6f3d 4153
                444a 4b48 514b 425a 584f 5157 454f 5049
                5541 5851 5745 4f49 553b 206d 6178 2d61
                6765 3d33 3630 303b 2076 6572 7369 6f6e
                3d31"""))).containsExactly(RESPONSE_3);
        assertThirdResponseTable(small);
    }

    @Test
    void huffmanResponsesOfC6EvictLikeThoseOfC5() throws Http2Exception {
        HpackDecoder small = new HpackDecoder(256, 65536, 1000);

        assertThat(decode(small, hex(C6_1))).containsExactly(RESPONSE_1);
        assertFirstResponseTable(small);
        assertThat(decode(small, hex(C6_2))).containsExactly(RESPONSE_2);
        assertSecondResponseTable(small);
        assertThat(decode(small, hex(C6_3))).containsExactly(RESPONSE_3);
        assertThirdResponseTable(small);
    }

    @Test
    void encoderWritesTheHuffmanRequestsOfC4Exactly() {
        HpackEncoder encoder = new HpackEncoder(4096);

        assertThat(encode(encoder, REQUEST_1)).isEqualTo(hex(C4_1));
        assertThat(encode(encoder, REQUEST_2)).isEqualTo(hex(C4_2));
        assertThat(encode(encoder, REQUEST_3)).isEqualTo(hex(C4_3));
        assertThat(encoder.tableSize()).isEqualTo(164);
    }

    /**
     * The encoder Huffman-codes a string only when that is shorter: "307" is three bytes either
     * way, so the second response is C.5.2's, with the same table after it.
     */
    @Test
    void whenPeerTableIs256ThenResponsesOfC6EncodeExactlyAfterOneSizeUpdate() {
        HpackEncoder encoder = new HpackEncoder(4096);
        encoder.peerMaxTableSize(256);

        assertThat(encode(encoder, RESPONSE_1)).isEqualTo(hex("3fe101" + C6_1));
        assertThat(encode(encoder, RESPONSE_2)).isEqualTo(hex(C5_2));
        assertThat(encode(encoder, RESPONSE_3)).isEqualTo(hex(C6_3));
        assertThat(encoder.tableSize()).isEqualTo(215);
    }

    private static void assertFirstResponseTable(HpackDecoder decoder) {
        assertThat(table(decoder)).containsExactly("location: https://www.example.com",
                "date: Mon, 21 Oct 2013 20:13:21 GMT", "cache-control: private", ":status: 302");
        assertThat(decoder.tableSize()).isEqualTo(222);
    }

    private static void assertSecondResponseTable(HpackDecoder decoder) {
        assertThat(table(decoder)).containsExactly(":status: 307", "location: https://www.example.com",
                "date: Mon, 21 Oct 2013 20:13:21 GMT", "cache-control: private");
        assertThat(decoder.tableSize()).isEqualTo(222);
    }

    private static void assertThirdResponseTable(HpackDecoder decoder) {
        assertThat(table(decoder)).containsExactly(
                "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                "content-encoding: gzip", "date: Mon, 21 Oct 2013 20:13:22 GMT");
        assertThat(decoder.tableSize()).isEqualTo(215);
    }
}
