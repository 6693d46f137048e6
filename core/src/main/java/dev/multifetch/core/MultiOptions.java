package dev.multifetch.core;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Settings of a multi handle: connection limits, the connection cache, default timeouts and
 * sizes, and the resolver. Immutable; build with {@link #builder()}. Every setter checks its
 * value at once and names it in the error.
 *
 * <p>libcurl: {@code CURLMOPT_MAX_TOTAL_CONNECTIONS}, {@code _MAX_HOST_CONNECTIONS},
 * {@code _MAXCONNECTS}, {@code CURLOPT_MAXAGE_CONN}, {@code _CONNECTTIMEOUT_MS},
 * {@code _TIMEOUT_MS}, {@code _MAXFILESIZE_LARGE}, {@code _USERAGENT},
 * {@code CURLMOPT_RESOLVE_THREADS_MAX}.
 */
public final class MultiOptions {

    /** Defaults: 8 connections per host, no total cap, 64 idle connections cached. */
    public static final MultiOptions DEFAULTS = builder().build();

    private final int maxTotalConnections;
    private final int maxHostConnections;
    private final int maxConnects;
    private final Duration maxIdleAge;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final long maxBodySize;
    private final int maxHeaderBytes;
    private final String userAgent;
    private final int resolverThreads;
    private final HostResolver hostResolver;
    private final LongSupplier nanoClock;

    private MultiOptions(Builder b) {
        this.maxTotalConnections = b.maxTotalConnections;
        this.maxHostConnections = b.maxHostConnections;
        this.maxConnects = b.maxConnects;
        this.maxIdleAge = b.maxIdleAge;
        this.connectTimeout = b.connectTimeout;
        this.timeout = b.timeout;
        this.maxBodySize = b.maxBodySize;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.userAgent = b.userAgent;
        this.resolverThreads = b.resolverThreads;
        this.hostResolver = b.hostResolver;
        this.nanoClock = b.nanoClock;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Most connections open at once, 0 for no cap. Transfers beyond it wait as PENDING. */
    public int maxTotalConnections() {
        return maxTotalConnections;
    }

    /** Most connections open at once to one origin, 0 for no cap. Transfers beyond it wait as PENDING. */
    public int maxHostConnections() {
        return maxHostConnections;
    }

    /** Most idle connections kept in the cache; the oldest idle one is closed beyond it. */
    public int maxConnects() {
        return maxConnects;
    }

    /** How long an idle connection may wait in the cache and still be reused. */
    public Duration maxIdleAge() {
        return maxIdleAge;
    }

    /** Default connect timeout (DNS and TCP connect), used when a request sets none. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Default timeout for a whole transfer, or {@code null} for none. */
    public Duration timeout() {
        return timeout;
    }

    /** Default largest body accepted, in bytes. */
    public long maxBodySize() {
        return maxBodySize;
    }

    /** Largest response header block accepted, in bytes. */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** The {@code User-Agent} sent unless a request sets its own. */
    public String userAgent() {
        return userAgent;
    }

    /** Most threads resolving host names at once. */
    public int resolverThreads() {
        return resolverThreads;
    }

    /** What resolves host names. */
    public HostResolver hostResolver() {
        return hostResolver;
    }

    /** The monotonic clock in nanoseconds; {@link System#nanoTime} unless a test sets one. */
    public LongSupplier nanoClock() {
        return nanoClock;
    }

    /** Builds {@link MultiOptions}. */
    public static final class Builder {

        private int maxTotalConnections = 0;
        private int maxHostConnections = 8;
        private int maxConnects = 64;
        private Duration maxIdleAge = Duration.ofSeconds(118);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration timeout;
        private long maxBodySize = 64L * 1024 * 1024;
        private int maxHeaderBytes = 100 * 1024;
        private String userAgent = "multifetch/0.1";
        private int resolverThreads = 4;
        private HostResolver hostResolver = HostResolver.SYSTEM;
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {
        }

        /** Caps connections open at once; 0 for no cap. */
        public Builder maxTotalConnections(int n) {
            this.maxTotalConnections = notNegative("maxTotalConnections", n);
            return this;
        }

        /** Caps connections open at once to one origin; 0 for no cap. */
        public Builder maxHostConnections(int n) {
            this.maxHostConnections = notNegative("maxHostConnections", n);
            return this;
        }

        /** Caps idle connections kept for reuse; 0 keeps none. */
        public Builder maxConnects(int n) {
            this.maxConnects = notNegative("maxConnects", n);
            return this;
        }

        /** Sets how long an idle connection may be reused after its last use; must be positive. */
        public Builder maxIdleAge(Duration d) {
            this.maxIdleAge = positive("maxIdleAge", d);
            return this;
        }

        /** Sets the default connect timeout; must be positive. */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive("connectTimeout", d);
            return this;
        }

        /** Sets the default whole-transfer timeout; {@code null} for none, else positive. */
        public Builder timeout(Duration d) {
            this.timeout = d == null ? null : positive("timeout", d);
            return this;
        }

        /** Sets the default largest body, in bytes; must not be negative. */
        public Builder maxBodySize(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxBodySize < 0: " + n);
            }
            this.maxBodySize = n;
            return this;
        }

        /** Sets the largest header block accepted, in bytes; at least 1024. */
        public Builder maxHeaderBytes(int n) {
            if (n < 1024) {
                throw new IllegalArgumentException("maxHeaderBytes < 1024: " + n);
            }
            this.maxHeaderBytes = n;
            return this;
        }

        /** Sets the default {@code User-Agent}; no CR, LF or NUL. */
        public Builder userAgent(String userAgent) {
            Objects.requireNonNull(userAgent, "userAgent");
            if (userAgent.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new IllegalArgumentException("userAgent contains CR, LF or NUL: \"" + userAgent + "\"");
            }
            this.userAgent = userAgent;
            return this;
        }

        /** Sets the most resolver threads; at least 1. */
        public Builder resolverThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("resolverThreads < 1: " + n);
            }
            this.resolverThreads = n;
            return this;
        }

        /** Sets what resolves host names (for tests, or a custom DNS). */
        public Builder hostResolver(HostResolver resolver) {
            this.hostResolver = Objects.requireNonNull(resolver, "hostResolver");
            return this;
        }

        /** Sets the monotonic nanosecond clock (for tests that move time by hand). */
        public Builder nanoClock(LongSupplier clock) {
            this.nanoClock = Objects.requireNonNull(clock, "nanoClock");
            return this;
        }

        /** Builds the options. */
        public MultiOptions build() {
            return new MultiOptions(this);
        }

        private static int notNegative(String name, int n) {
            if (n < 0) {
                throw new IllegalArgumentException(name + " < 0: " + n);
            }
            return n;
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
