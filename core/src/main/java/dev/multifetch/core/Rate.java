package dev.multifetch.core;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Request starts allowed per period, with a burst: a token bucket that holds up to {@code burst}
 * starts and refills one every {@code period / permits}. Parsed as curl's {@code --rate}:
 * {@code N/s}, {@code N/m}, {@code N/h}, {@code N/d}, or {@code N/<n><unit>} such as {@code 5/10s}.
 *
 * @param permits starts per period, at least 1
 * @param period  the period, positive
 * @param burst   starts allowed back to back after a quiet spell, at least 1
 */
public record Rate(int permits, Duration period, int burst) {

    /** A rate; each part is checked, naming what is wrong. */
    public Rate {
        if (permits < 1) {
            throw new IllegalArgumentException("rate permits must be at least 1: " + permits);
        }
        Checks.positive("rate period", period);
        if (burst < 1) {
            throw new IllegalArgumentException("rate burst must be at least 1: " + burst);
        }
    }

    /** {@code permits} per {@code period}, no burst beyond one. */
    public static Rate of(int permits, Duration period) {
        return new Rate(permits, period, 1);
    }

    /** Parses {@code 120/m}, {@code 2/s}, {@code 5/10s}, {@code 1000/d}; a bad text names what is wrong. */
    public static Rate parse(String text) {
        Objects.requireNonNull(text, "rate");
        String s = text.strip().toLowerCase(Locale.ROOT);
        int slash = s.indexOf('/');
        if (slash <= 0 || slash == s.length() - 1) {
            throw new IllegalArgumentException("rate \"" + text + "\" is not N/unit (such as 120/m, 2/s, 5/10s)");
        }
        int permits;
        try {
            permits = Integer.parseInt(s.substring(0, slash));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rate \"" + text + "\" does not start with a whole number");
        }
        String per = s.substring(slash + 1);
        char unit = per.charAt(per.length() - 1);
        long count = 1;
        if (per.length() > 1) {
            try {
                count = Long.parseLong(per.substring(0, per.length() - 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("rate \"" + text + "\" has a bad period (such as s, m, 10s)");
            }
        }
        Duration period = switch (unit) {
            case 's' -> Duration.ofSeconds(count);
            case 'm' -> Duration.ofMinutes(count);
            case 'h' -> Duration.ofHours(count);
            case 'd' -> Duration.ofDays(count);
            default -> throw new IllegalArgumentException("rate \"" + text + "\" has an unknown unit '" + unit + "' (s, m, h, d)");
        };
        return of(permits, period);
    }

    /** This rate with {@code burst}. */
    public Rate withBurst(int burst) {
        return new Rate(permits, period, burst);
    }

    /** Nanoseconds between starts at the steady rate. */
    public long intervalNanos() {
        return Math.max(1, period.toNanos() / permits);
    }

    @Override
    public String toString() {
        return permits + "/" + period + (burst > 1 ? " burst " + burst : "");
    }
}
