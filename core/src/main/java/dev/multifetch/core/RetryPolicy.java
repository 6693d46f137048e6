package dev.multifetch.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * When and how a failed attempt is tried again, on the engine's timer, curl's {@code --retry}
 * rules first. Transient by default: timeouts, DNS failures, a connection reset or closed before
 * any response byte, and HTTP 408, 429, 500, 502, 503 and 504; a refused connection only with
 * {@link #retryConnRefused()}; anything with {@link #retryAllErrors()}. The wait is the longer of
 * an exponential backoff with full jitter (base {@link #baseDelay()}, at most {@link #maxDelay()})
 * and the server's {@code Retry-After} (at most {@link #maxRetryAfter()}, else the transfer ends
 * with that response and says why). A method that is not idempotent is not repeated once a byte
 * of it was written, unless {@link #retryNonIdempotent()} or the request carries
 * {@code Idempotency-Key}; a body that cannot be replayed is never repeated. A retry budget per
 * host and engine-wide (about {@link #budgetRatio()} of recent requests plus a floor of
 * {@link #budgetFloor()} a second, as Finagle and Envoy keep it) stops a failing host from
 * multiplying the load. A {@link BodyConsumer} hears {@code onStart} again for the next attempt's
 * response and starts over (as curl's {@code --retry} truncates its output). {@link #NONE} (the
 * default) never retries.
 */
public final class RetryPolicy {

    /** The statuses retried by default, as curl's {@code --retry}. */
    public static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 429, 500, 502, 503, 504);

    /** No retries. */
    public static final RetryPolicy NONE = builder().build();

    private final int maxRetries;
    private final Set<Integer> statuses;
    private final boolean retryConnRefused;
    private final boolean retryAllErrors;
    private final boolean retryNonIdempotent;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Duration maxRetryAfter;
    private final Duration maxRetryTime;
    private final double budgetRatio;
    private final int budgetFloor;
    private final boolean jitter;

    private RetryPolicy(Builder b) {
        this.maxRetries = b.maxRetries;
        this.statuses = Set.copyOf(b.statuses);
        this.retryConnRefused = b.retryConnRefused;
        this.retryAllErrors = b.retryAllErrors;
        this.retryNonIdempotent = b.retryNonIdempotent;
        this.baseDelay = b.baseDelay;
        this.maxDelay = b.maxDelay;
        this.maxRetryAfter = b.maxRetryAfter;
        this.maxRetryTime = b.maxRetryTime;
        this.budgetRatio = b.budgetRatio;
        this.budgetFloor = b.budgetFloor;
        this.jitter = b.jitter;
    }

    /** A builder: no retries until {@link Builder#maxRetries} says how many. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this policy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxRetries = maxRetries;
        b.statuses = new TreeSet<>(statuses);
        b.retryConnRefused = retryConnRefused;
        b.retryAllErrors = retryAllErrors;
        b.retryNonIdempotent = retryNonIdempotent;
        b.baseDelay = baseDelay;
        b.maxDelay = maxDelay;
        b.maxRetryAfter = maxRetryAfter;
        b.maxRetryTime = maxRetryTime;
        b.budgetRatio = budgetRatio;
        b.budgetFloor = budgetFloor;
        b.jitter = jitter;
        return b;
    }

    /** This policy with {@code retries} in place of its {@link #maxRetries()}. */
    public RetryPolicy withMaxRetries(int retries) {
        return retries == maxRetries ? this : toBuilder().maxRetries(retries).build();
    }

    /** Retries after the first attempt; 0 never retries. libcurl tool: --retry. */
    public int maxRetries() {
        return maxRetries;
    }

    /** The statuses that are retried. */
    public Set<Integer> statuses() {
        return statuses;
    }

    /** Whether a refused connection is retried. curl: --retry-connrefused. */
    public boolean retryConnRefused() {
        return retryConnRefused;
    }

    /** Whether every error is retried. curl: --retry-all-errors. */
    public boolean retryAllErrors() {
        return retryAllErrors;
    }

    /** Whether POST and PATCH are repeated even after a byte of them was written. */
    public boolean retryNonIdempotent() {
        return retryNonIdempotent;
    }

    /** The first backoff; each retry doubles it. curl: 1 second. */
    public Duration baseDelay() {
        return baseDelay;
    }

    /** The longest backoff. curl: 10 minutes. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** The longest {@code Retry-After} waited for; beyond it the transfer ends with the response. */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** The longest time from the first attempt a retry may start, or null. curl: --retry-max-time. */
    public Duration maxRetryTime() {
        return maxRetryTime;
    }

    /** The share of recent requests that may be retries. */
    public double budgetRatio() {
        return budgetRatio;
    }

    /** Retries a second always allowed, whatever the ratio. */
    public int budgetFloor() {
        return budgetFloor;
    }

    /** Whether the backoff is drawn at random up to its cap (full jitter), or is the cap itself. */
    public boolean jitter() {
        return jitter;
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxRetries=" + maxRetries + ", statuses=" + new TreeSet<>(statuses) + ", retryConnRefused="
                + retryConnRefused + ", retryAllErrors=" + retryAllErrors + ", baseDelay=" + baseDelay + ", maxDelay="
                + maxDelay + ", maxRetryAfter=" + maxRetryAfter + ", maxRetryTime=" + maxRetryTime + ", budget="
                + budgetRatio + "+" + budgetFloor + "/s]";
    }

    /** Builds a {@link RetryPolicy}; each setter checks its argument, naming the setting. */
    public static final class Builder {

        private int maxRetries;
        private Set<Integer> statuses = new TreeSet<>(TRANSIENT_STATUSES);
        private boolean retryConnRefused;
        private boolean retryAllErrors;
        private boolean retryNonIdempotent;
        private Duration baseDelay = Duration.ofSeconds(1);
        private Duration maxDelay = Duration.ofMinutes(10);
        private Duration maxRetryAfter = Duration.ofMinutes(5);
        private Duration maxRetryTime;
        private double budgetRatio = 0.2;
        private int budgetFloor = 10;
        private boolean jitter = true;

        private Builder() {
        }

        /** Retries after the first attempt, 0 to 100. */
        public Builder maxRetries(int value) {
            if (value < 0 || value > 100) {
                throw new IllegalArgumentException("retry maxRetries must be 0 to 100: " + value);
            }
            this.maxRetries = value;
            return this;
        }

        /** The statuses retried (each 100-599). */
        public Builder statuses(Set<Integer> value) {
            for (int s : Objects.requireNonNull(value, "retry statuses")) {
                if (s < 100 || s > 599) {
                    throw new IllegalArgumentException("retry status out of range: " + s);
                }
            }
            this.statuses = new TreeSet<>(value);
            return this;
        }

        /** Retries a refused connection too. */
        public Builder retryConnRefused(boolean value) {
            this.retryConnRefused = value;
            return this;
        }

        /** Retries every error. */
        public Builder retryAllErrors(boolean value) {
            this.retryAllErrors = value;
            return this;
        }

        /** Repeats POST and PATCH even after a byte of them was written. */
        public Builder retryNonIdempotent(boolean value) {
            this.retryNonIdempotent = value;
            return this;
        }

        /** The first backoff. */
        public Builder baseDelay(Duration value) {
            this.baseDelay = Checks.positive("retry baseDelay", value);
            return this;
        }

        /** The longest backoff. */
        public Builder maxDelay(Duration value) {
            this.maxDelay = Checks.positive("retry maxDelay", value);
            return this;
        }

        /** The longest {@code Retry-After} waited for. */
        public Builder maxRetryAfter(Duration value) {
            this.maxRetryAfter = Checks.notNegative("retry maxRetryAfter", value);
            return this;
        }

        /** The longest time from the first attempt a retry may start; null for no limit. */
        public Builder maxRetryTime(Duration value) {
            this.maxRetryTime = value == null ? null : Checks.positive("retry maxRetryTime", value);
            return this;
        }

        /** The retry budget: {@code ratio} of recent requests (0 to 1) plus {@code floorPerSecond}. */
        public Builder budget(double ratio, int floorPerSecond) {
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new IllegalArgumentException("retry budget ratio must be 0 to 1: " + ratio);
            }
            this.budgetRatio = ratio;
            this.budgetFloor = (int) Checks.notNegative("retry budget floor", floorPerSecond);
            return this;
        }

        /** Draws each backoff at random up to its cap (default), or waits the cap itself. */
        public Builder jitter(boolean value) {
            this.jitter = value;
            return this;
        }

        /** Builds the policy. */
        public RetryPolicy build() {
            if (baseDelay.compareTo(maxDelay) > 0) {
                throw new IllegalArgumentException("retry baseDelay " + baseDelay + " is longer than maxDelay " + maxDelay);
            }
            return new RetryPolicy(this);
        }
    }
}
