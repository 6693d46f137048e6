package dev.multifetch.autoconfigure.kafka;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Batch ids that carry their submission time, {@code b<epoch ms in base 36>-<64 random bits in hex>}:
 * a reader on any instance starts looking for a batch's results at that time (less the look-back)
 * instead of at the start of the partition, with no state kept anywhere but Kafka.
 */
public final class BatchIds {

    private static final Pattern FORMAT = Pattern.compile("b([0-9a-z]{1,12})-[0-9a-f]{16}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private BatchIds() {
    }

    /** A new id for a batch submitted at {@code epochMillis}. */
    public static String next(long epochMillis) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return "b" + Long.toString(epochMillis, 36) + "-" + HexFormat.of().formatHex(random);
    }

    /** The submission time in {@code batchId}, or empty when it is not a batch id. */
    public static OptionalLong submittedAt(String batchId) {
        Matcher matcher = (batchId != null) ? FORMAT.matcher(batchId) : null;
        if (matcher == null || !matcher.matches()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(matcher.group(1), 36));
    }
}
