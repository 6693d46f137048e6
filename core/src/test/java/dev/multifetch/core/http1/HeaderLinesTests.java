package dev.multifetch.core.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The word-at-a-time line-end search agrees with a byte-by-byte one on any bytes, buffer kind and order. */
class HeaderLinesTests {

    @ParameterizedTest
    @CsvSource({"false, BIG_ENDIAN", "false, LITTLE_ENDIAN", "true, BIG_ENDIAN", "true, LITTLE_ENDIAN"})
    void findsTheFirstLineFeedAsAByteByByteSearchWould(boolean direct, String order) {
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            int size = random.nextInt(40);
            ByteBuffer in = (direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size))
                    .order(order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < size; i++) {
                // mostly the bytes around LF that could fool a word-wide search: 0x0a, 0x0b, 0x8a, 0x00, 0x01
                int pick = random.nextInt(8);
                in.put(i, (byte) (pick < 5 ? new int[] {0x0a, 0x0b, 0x8a, 0x00, 0x01}[pick] : random.nextInt(256)));
            }
            int from = size == 0 ? 0 : random.nextInt(size);
            int to = from + random.nextInt(size - from + 1);

            assertThat(HeaderLines.indexOfLf(in, from, to)).as("round %d", round).isEqualTo(byteByByte(in, from, to));
        }
    }

    private static int byteByByte(ByteBuffer in, int from, int to) {
        for (int i = from; i < to; i++) {
            if (in.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }
}
