package dev.multifetch.autoconfigure;

import java.time.Duration;

import dev.multifetch.core.Politeness;
import dev.multifetch.core.Rate;

import org.springframework.validation.Errors;

/**
 * A pace of request starts to one host, as {@code multifetch.politeness.*} and each of its
 * {@code hosts} set it: a least interval, and/or a rate with a burst, both off when unset.
 */
public abstract class PaceProperties {

    /**
     * Least time between two request starts to one host (as key groups hosts); 0 or unset for
     * none. Requests held wait as pending transfers, and their wait counts against their timeout.
     */
    private Duration minInterval;

    /**
     * Request starts allowed per period to one host, as curl's --rate writes it: N/s, N/m, N/h,
     * N/d or N/<count><unit> such as 5/10s. Unset for no rate.
     */
    private String rate;

    /** Starts allowed back to back after a quiet spell, on top of rate; needs rate. 1 when unset. */
    private Integer burst;

    public Duration getMinInterval() {
        return this.minInterval;
    }

    public void setMinInterval(Duration minInterval) {
        this.minInterval = minInterval;
    }

    public String getRate() {
        return this.rate;
    }

    public void setRate(String rate) {
        this.rate = rate;
    }

    public Integer getBurst() {
        return this.burst;
    }

    public void setBurst(Integer burst) {
        this.burst = burst;
    }

    /** Whether this pace holds any start back. */
    boolean paces() {
        return (this.minInterval != null && !this.minInterval.isZero()) || this.rate != null;
    }

    /** The rate, as curl's --rate parsed, with its burst; null for none. */
    Rate toRate() {
        if (this.rate == null) {
            return null;
        }
        Rate parsed = Rate.parse(this.rate);
        return (this.burst != null) ? parsed.withBurst(this.burst) : parsed;
    }

    /** Rejects each value core refuses; {@code prefix} is the path from {@code multifetch} ({@code politeness.}). */
    void validate(Errors errors, String prefix) {
        PropertyReasons.check(errors, prefix + "minInterval", () -> Politeness.builder().minInterval(this.minInterval));
        PropertyReasons.check(errors, prefix + "rate", () -> {
            if (this.rate != null) {
                Rate.parse(this.rate);
            }
        });
        PropertyReasons.check(errors, prefix + "burst", () -> {
            if (this.burst != null && this.rate == null) {
                throw new IllegalArgumentException("burst needs a rate (multifetch." + prefix + "rate)");
            }
            if (this.burst != null) {
                Rate.of(1, Duration.ofSeconds(1)).withBurst(this.burst);
            }
        });
    }
}
