package dev.multifetch.core;

import java.time.Duration;

/**
 * When each phase of a transfer finished, measured from the moment it started running in the
 * multi handle (microsecond precision). Phases not reached are {@link Duration#ZERO};
 * {@code appconnect} is zero for plain http. On a reused connection namelookup and connect are
 * the (tiny) time it took to pick the connection, as in curl.
 *
 * <p>With redirects, each phase is summed over the requests made, and {@code redirect} is the
 * time before the final request began, as curl reports them.
 *
 * <p>libcurl: {@code CURLINFO_NAMELOOKUP_TIME_T}, {@code _CONNECT_TIME_T},
 * {@code _APPCONNECT_TIME_T}, {@code _PRETRANSFER_TIME_T}, {@code _STARTTRANSFER_TIME_T},
 * {@code _TOTAL_TIME_T}, {@code _REDIRECT_TIME_T}; {@code queue} is {@code CURLINFO_QUEUE_TIME_T}.
 */
public record Timings(Duration queue, Duration namelookup, Duration connect, Duration appconnect,
                      Duration pretransfer, Duration starttransfer, Duration total, Duration redirect) {

    /** Timings of a transfer that has not started. */
    public static final Timings NONE = new Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO,
            Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** Timings from nanoseconds in the order of the components, cut to microseconds. */
    static Timings ofNanos(long[] nanos) {
        return new Timings(us(nanos[0]), us(nanos[1]), us(nanos[2]), us(nanos[3]), us(nanos[4]), us(nanos[5]),
                us(nanos[6]), us(nanos[7]));
    }

    private static Duration us(long nanos) {
        return Duration.ofNanos(nanos / 1000 * 1000);
    }
}
