package dev.multifetch.core.testing;

import dev.multifetch.core.testing.FaultServer.Fault;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Picks the {@link Fault} each transfer of a run meets: {@link Fault#NONE} for most, one of the
 * {@code faults} (equally likely) for a share of them. Seeded, so a failing run is repeated
 * exactly by passing the seed it printed. Not thread-safe: one thread picks.
 */
public final class FaultMix {

    private final long seed;
    private final double faultShare;
    private final List<Fault> faults;
    private final Random random;

    /**
     * A mix that faults {@code faultShare} (0 to 1) of the transfers with one of {@code faults}.
     *
     * @throws IllegalArgumentException if the share is outside 0 to 1, or {@code faults} is empty or holds NONE
     */
    public FaultMix(long seed, double faultShare, List<Fault> faults) {
        if (faultShare < 0 || faultShare > 1) {
            throw new IllegalArgumentException("faultShare not within 0 and 1: " + faultShare);
        }
        if (faults.isEmpty() || faults.contains(Fault.NONE)) {
            throw new IllegalArgumentException("faults must be some faults, and not NONE: " + faults);
        }
        this.seed = seed;
        this.faultShare = faultShare;
        this.faults = List.copyOf(faults);
        this.random = new Random(seed);
    }

    /** A mix of every fault the server knows, on {@code faultShare} of the transfers. */
    public static FaultMix ofAll(long seed, double faultShare) {
        return new FaultMix(seed, faultShare, Arrays.stream(Fault.values()).filter(f -> f != Fault.NONE).toList());
    }

    /** The seed that repeats this mix. */
    public long seed() {
        return seed;
    }

    /** The fault the next transfer meets. */
    public Fault next() {
        return random.nextDouble() < faultShare ? faults.get(random.nextInt(faults.size())) : Fault.NONE;
    }

    @Override
    public String toString() {
        return "FaultMix[seed=" + seed + ", faultShare=" + faultShare + ", faults=" + faults + "]";
    }
}
