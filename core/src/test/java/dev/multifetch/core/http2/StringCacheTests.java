package dev.multifetch.core.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Literals a server repeats without indexing decode from the cache, and only to what they encode. */
class StringCacheTests {

    @Test
    void repeatedLiteralDecodesToTheSameStringFromTheCache() throws Exception {
        HpackEncoder encoder = new HpackEncoder(0);
        ByteOutput out = new ByteOutput(64);
        encoder.beginBlock(out);
        encoder.field("server", "nginx/1.22.1", out);
        byte[] block = out.toByteArray();
        HpackDecoder decoder = new HpackDecoder(4096, 65536, 100);

        List<String> values = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            decoder.decode(ByteBuffer.wrap(block), (name, value) -> values.add(value));
        }

        assertThat(values).containsExactly("nginx/1.22.1", "nginx/1.22.1", "nginx/1.22.1");
        assertThat(values.get(2)).as("the second and later decodings share one String").isSameAs(values.get(1));
    }

    @Test
    void sameBytesAsRawOrHuffmanAreNotConfused() {
        StringCache cache = new StringCache();
        ByteBuffer bytes = ByteBuffer.wrap(new byte[] {'a', 'b', 'c'});
        cache.put(bytes, 0, 3, false, "abc");

        assertThat(cache.get(bytes, 3, false)).isEqualTo("abc");
        assertThat(cache.get(bytes, 3, true)).isNull();
        assertThat(cache.get(ByteBuffer.wrap(new byte[] {'a', 'b', 'd'}), 3, false)).isNull();
        assertThat(cache.get(bytes, 2, false)).isNull();
    }
}
