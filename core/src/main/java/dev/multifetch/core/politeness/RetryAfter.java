package dev.multifetch.core.politeness;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads {@code Retry-After} (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date. A date in
 * the past is zero; anything else (negative, fractional, garbage, a number past a day's worth of
 * digits) is no value at all, so the caller falls back to its backoff. A huge value is returned
 * as it is, for the caller to weigh against its limit. libcurl: CURLINFO_RETRY_AFTER.
 */
public final class RetryAfter {

    private static final Duration HUGE = Duration.ofDays(365);

    private RetryAfter() {
    }

    /** The wait {@code value} asks for, counted from {@code nowEpochMillis}; null when it is not a valid value. */
    public static Duration parse(String value, long nowEpochMillis) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty() || v.length() > 64) {
            return null;
        }
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // past a year of seconds the exact number does not matter: bounded, never an overflow
            return v.length() > 9 ? HUGE : Duration.ofSeconds(Long.parseLong(v));
        }
        for (DateTimeFormatter format : new DateTimeFormatter[] {DateTimeFormatter.RFC_1123_DATE_TIME, RFC_850, ASCTIME}) {
            try {
                long at = ZonedDateTime.parse(v, format).toInstant().toEpochMilli();
                return Duration.ofMillis(Math.max(0, at - nowEpochMillis));
            } catch (DateTimeParseException ignored) {
                // try the next of the three forms HTTP allows
            }
        }
        return null;
    }

    private static final DateTimeFormatter RFC_850 = DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.ROOT);
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)
            .withZone(java.time.ZoneOffset.UTC);
}
