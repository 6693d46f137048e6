package dev.multifetch.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How gently the engine treats each host, all on its one timer (no thread ever sleeps): a
 * minimum interval between request starts and/or a {@link Rate} per {@link PacingKey}, with
 * per-host rules, and host blocks: a 429 or 503 with {@code Retry-After} holds that host's queued
 * and new requests until then (at most {@link #maxBlock()}), other hosts unaffected. Transfers
 * held are PENDING: they count in running and pending handles, and their wait is queue time.
 * {@link #NONE} (the default) paces nothing and costs nothing.
 */
public final class Politeness {

    /** No pacing and no host blocks. */
    public static final Politeness NONE = builder().blockOnRetryAfter(false).build();

    private final Duration minInterval;
    private final Rate rate;
    private final PacingKey key;
    private final boolean blockOnRetryAfter;
    private final Duration maxBlock;
    private final List<HostRule> rules;

    private Politeness(Builder b) {
        this.minInterval = b.minInterval;
        this.rate = b.rate;
        this.key = b.key;
        this.blockOnRetryAfter = b.blockOnRetryAfter;
        this.maxBlock = b.maxBlock;
        this.rules = List.copyOf(b.rules);
    }

    /** A builder: no pacing, host blocks on (capped at 10 minutes), keyed by origin. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.minInterval = minInterval;
        b.rate = rate;
        b.key = key;
        b.blockOnRetryAfter = blockOnRetryAfter;
        b.maxBlock = maxBlock;
        b.rules.addAll(rules);
        return b;
    }

    /** The least time between two request starts to one key, or null. */
    public Duration minInterval() {
        return minInterval;
    }

    /** Starts allowed per period to one key, or null. */
    public Rate rate() {
        return rate;
    }

    /** What is paced together. */
    public PacingKey key() {
        return key;
    }

    /** Whether a 429 or 503 with {@code Retry-After} blocks its key until then. */
    public boolean blockOnRetryAfter() {
        return blockOnRetryAfter;
    }

    /** The longest a {@code Retry-After} may block a key. */
    public Duration maxBlock() {
        return maxBlock;
    }

    /** Per-host rules, first match wins. */
    public List<HostRule> rules() {
        return rules;
    }

    /** Whether anything is paced or blocked at all. */
    public boolean enabled() {
        return minInterval != null || rate != null || blockOnRetryAfter || !rules.isEmpty();
    }

    /** The rule for {@code host}, or null when the defaults apply. */
    public HostRule ruleFor(String host) {
        for (HostRule r : rules) {
            if (r.matches(host)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "Politeness[minInterval=" + minInterval + ", rate=" + rate + ", key=" + key + ", blockOnRetryAfter="
                + blockOnRetryAfter + ", maxBlock=" + maxBlock + ", rules=" + rules + "]";
    }

    /**
     * A pace of its own for the hosts {@code pattern} names: {@code *} for all, a host name for
     * itself and every host under it ({@code example.com} covers {@code www.example.com}).
     *
     * @param minInterval the least time between starts, or null
     * @param rate        starts per period, or null
     */
    public record HostRule(String pattern, Duration minInterval, Rate rate) {

        /** A rule; the pattern is lower-cased, a leading {@code *.} or {@code .} dropped. */
        public HostRule {
            Objects.requireNonNull(pattern, "host rule pattern");
            String p = pattern.strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("*.")) {
                p = p.substring(2);
            } else if (p.startsWith(".")) {
                p = p.substring(1);
            }
            if (p.isEmpty()) {
                throw new IllegalArgumentException("host rule pattern is empty");
            }
            pattern = p;
            if (minInterval != null) {
                Checks.notNegative("host rule minInterval for " + p, minInterval);
            }
        }

        /** Whether this rule covers {@code host}. */
        public boolean matches(String host) {
            String h = host.toLowerCase(Locale.ROOT);
            return pattern.equals("*") || h.equals(pattern) || h.endsWith("." + pattern);
        }
    }

    /** Builds {@link Politeness}; each setter checks its argument, naming the setting. */
    public static final class Builder {

        private Duration minInterval;
        private Rate rate;
        private PacingKey key = PacingKey.ORIGIN;
        private boolean blockOnRetryAfter = true;
        private Duration maxBlock = Duration.ofMinutes(10);
        private final List<HostRule> rules = new ArrayList<>();

        private Builder() {
        }

        /** The least time between two request starts to one key; zero or null for none. */
        public Builder minInterval(Duration value) {
            this.minInterval = value == null || value.isZero() ? null : Checks.notNegative("politeness minInterval", value);
            return this;
        }

        /** Starts allowed per period to one key; null for none. */
        public Builder rate(Rate value) {
            this.rate = value;
            return this;
        }

        /** Starts allowed per period to one key, as curl's {@code --rate} writes it ({@code 120/m}). */
        public Builder rate(String value) {
            return rate(Rate.parse(value));
        }

        /** What is paced together: origin (the default), registrable domain or resolved address. */
        public Builder key(PacingKey value) {
            this.key = Objects.requireNonNull(value, "politeness key");
            return this;
        }

        /** Whether a 429 or 503 with {@code Retry-After} blocks its key until then (default true). */
        public Builder blockOnRetryAfter(boolean value) {
            this.blockOnRetryAfter = value;
            return this;
        }

        /** The longest a {@code Retry-After} may block a key (default 10 minutes). */
        public Builder maxBlock(Duration value) {
            this.maxBlock = Checks.positive("politeness maxBlock", value);
            return this;
        }

        /** A pace of its own for the hosts {@code pattern} names; rules are tried in the order added. */
        public Builder rule(String pattern, Duration minInterval, Rate rate) {
            rules.add(new HostRule(pattern, minInterval == null || minInterval.isZero() ? null : minInterval, rate));
            return this;
        }

        /** Builds the settings. */
        public Politeness build() {
            return new Politeness(this);
        }
    }
}
