package dev.multifetch.core.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The open-addressing stream map agrees with a HashMap over random opens and closes. */
class StreamMapTests {

    @Test
    void randomOpensAndClosesAgreeWithAHashMap() {
        Random random = new Random(42);
        StreamMap map = new StreamMap();
        Map<Integer, Http2Stream> model = new HashMap<>();
        int next = 1;
        for (int op = 0; op < 200_000; op++) {
            if (model.isEmpty() || random.nextInt(100) < 55) {
                Http2Stream s = new Http2Stream(next, null, 0, 0);
                next += 2;
                map.put(s);
                model.put(s.id(), s);
            } else {
                int id = 1 + 2 * random.nextInt((next - 1) / 2 + 1);
                map.remove(id);
                model.remove(id);
            }
            if (op % 1000 == 0) {
                for (int id = 1; id < next + 4; id += 2) {
                    assertThat(map.get(id)).as("stream %d after %d operations", id, op).isSameAs(model.get(id));
                }
            }
            assertThat(map.size()).isEqualTo(model.size());
        }
        assertThat(map.snapshot()).containsExactlyInAnyOrderElementsOf(model.values());
    }
}
