package dev.multifetch.core;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Settings of a multi handle: connection limits and cache, default timeouts and sizes, DNS,
 * socket options, the connect policy and the listener. Immutable; build with {@link #builder()}.
 * Every setter checks its value at once and names it in the error.
 */
public final class MultiOptions {

    /** Every option at its default. */
    public static final MultiOptions DEFAULTS = builder().build();

    private final int maxTotalConnections;
    private final int maxHostConnections;
    private final int maxConnects;
    private final Duration maxIdleAge;
    private final Duration maxLifetime;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final Duration readTimeout;
    private final long lowSpeedLimit;
    private final Duration lowSpeedTime;
    private final long maxBodySize;
    private final int maxHeaderBytes;
    private final String userAgent;
    private final int resolverThreads;
    private final HostResolver hostResolver;
    private final Duration dnsCacheTimeout;
    private final Duration happyEyeballsTimeout;
    private final boolean tcpNoDelay;
    private final int sendBufferSize;
    private final int receiveBufferSize;
    private final ConnectPolicy connectPolicy;
    private final FetchListener listener;
    private final TlsConfig tls;
    private final HttpVersion httpVersion;
    private final int maxConcurrentStreams;
    private final boolean pipeWait;
    private final LongSupplier nanoClock;
    private final HostOverrides overrides;
    private final ProxySettings proxy;
    private final Politeness politeness;
    private final RetryPolicy retry;

    private MultiOptions(Builder b) {
        this.maxTotalConnections = b.maxTotalConnections;
        this.maxHostConnections = b.maxHostConnections;
        this.maxConnects = b.maxConnects;
        this.maxIdleAge = b.maxIdleAge;
        this.maxLifetime = b.maxLifetime;
        this.connectTimeout = b.connectTimeout;
        this.timeout = b.timeout;
        this.readTimeout = b.readTimeout;
        this.lowSpeedLimit = b.lowSpeedLimit;
        this.lowSpeedTime = b.lowSpeedTime;
        this.maxBodySize = b.maxBodySize;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.userAgent = b.userAgent;
        this.resolverThreads = b.resolverThreads;
        this.hostResolver = b.hostResolver;
        this.dnsCacheTimeout = b.dnsCacheTimeout;
        this.happyEyeballsTimeout = b.happyEyeballsTimeout;
        this.tcpNoDelay = b.tcpNoDelay;
        this.sendBufferSize = b.sendBufferSize;
        this.receiveBufferSize = b.receiveBufferSize;
        this.connectPolicy = b.connectPolicy;
        this.listener = b.listener;
        this.tls = b.tls;
        this.httpVersion = b.httpVersion;
        this.maxConcurrentStreams = b.maxConcurrentStreams;
        this.pipeWait = b.pipeWait;
        this.nanoClock = b.nanoClock;
        this.overrides = b.overrides.copy();
        this.proxy = b.proxy;
        this.politeness = b.politeness;
        this.retry = b.retry;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxTotalConnections = maxTotalConnections;
        b.maxHostConnections = maxHostConnections;
        b.maxConnects = maxConnects;
        b.maxIdleAge = maxIdleAge;
        b.maxLifetime = maxLifetime;
        b.connectTimeout = connectTimeout;
        b.timeout = timeout;
        b.readTimeout = readTimeout;
        b.lowSpeedLimit = lowSpeedLimit;
        b.lowSpeedTime = lowSpeedTime;
        b.maxBodySize = maxBodySize;
        b.maxHeaderBytes = maxHeaderBytes;
        b.userAgent = userAgent;
        b.resolverThreads = resolverThreads;
        b.hostResolver = hostResolver;
        b.dnsCacheTimeout = dnsCacheTimeout;
        b.happyEyeballsTimeout = happyEyeballsTimeout;
        b.tcpNoDelay = tcpNoDelay;
        b.sendBufferSize = sendBufferSize;
        b.receiveBufferSize = receiveBufferSize;
        b.connectPolicy = connectPolicy;
        b.listener = listener;
        b.tls = tls;
        b.httpVersion = httpVersion;
        b.maxConcurrentStreams = maxConcurrentStreams;
        b.pipeWait = pipeWait;
        b.nanoClock = nanoClock;
        b.overrides.putAll(overrides);
        b.proxy = proxy;
        b.politeness = politeness;
        b.retry = retry;
        return b;
    }

    /** Most connections open at once, 0 for no cap. Transfers beyond it wait as PENDING. libcurl: CURLMOPT_MAX_TOTAL_CONNECTIONS. */
    public int maxTotalConnections() {
        return maxTotalConnections;
    }

    /** Most connections open at once to one origin, 0 for no cap (default 8, to protect a host). Transfers beyond it wait as PENDING. libcurl: CURLMOPT_MAX_HOST_CONNECTIONS. */
    public int maxHostConnections() {
        return maxHostConnections;
    }

    /**
     * The HTTP version transfers ask for unless their request says otherwise (default
     * {@link HttpVersion#HTTP_2}: h2 where TLS negotiates it). libcurl: CURLOPT_HTTP_VERSION.
     */
    public HttpVersion httpVersion() {
        return httpVersion;
    }

    /**
     * Most streams open at once on one HTTP/2 connection (default 100); the server's
     * SETTINGS_MAX_CONCURRENT_STREAMS lowers it. libcurl: CURLMOPT_MAX_CONCURRENT_STREAMS.
     */
    public int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /**
     * Whether transfers to an origin that may multiplex wait for the connection being set up,
     * rather than each opening its own (default true). libcurl: CURLOPT_PIPEWAIT.
     */
    public boolean pipeWait() {
        return pipeWait;
    }

    /** Most idle connections kept in the cache; the oldest idle one is closed beyond it. libcurl: CURLMOPT_MAXCONNECTS. */
    public int maxConnects() {
        return maxConnects;
    }

    /** How long an idle connection is kept and may be reused (default 118 s, as curl). libcurl: CURLOPT_MAXAGE_CONN. */
    public Duration maxIdleAge() {
        return maxIdleAge;
    }

    /** How long after it opened a connection may still be reused (default 24 h, as curl). libcurl: CURLOPT_MAXLIFETIME_CONN. */
    public Duration maxLifetime() {
        return maxLifetime;
    }

    /** Default limit on name lookup, TCP connect and TLS handshake together (default 10 s). libcurl: CURLOPT_CONNECTTIMEOUT_MS. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Default limit on a whole transfer, queue time included; null for none. libcurl: CURLOPT_TIMEOUT_MS. */
    public Duration timeout() {
        return timeout;
    }

    /** Default limit on the silence between response bytes once the request is sent (default 60 s); null for none. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** Default low-speed limit in bytes per second, 0 for off: a transfer slower than this over lowSpeedTime fails. libcurl: CURLOPT_LOW_SPEED_LIMIT. */
    public long lowSpeedLimit() {
        return lowSpeedLimit;
    }

    /** The period over which the low-speed limit is judged. libcurl: CURLOPT_LOW_SPEED_TIME. */
    public Duration lowSpeedTime() {
        return lowSpeedTime;
    }

    /** Default largest body accepted, in decoded bytes (default 64 MiB). libcurl: CURLOPT_MAXFILESIZE_LARGE. */
    public long maxBodySize() {
        return maxBodySize;
    }

    /** Largest response header block accepted, in bytes (default 100 KiB, as curl). */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** The User-Agent sent unless a request sets its own. libcurl: CURLOPT_USERAGENT. */
    public String userAgent() {
        return userAgent;
    }

    /** Most threads resolving host names at once. libcurl: CURLMOPT_RESOLVE_THREADS_MAX. */
    public int resolverThreads() {
        return resolverThreads;
    }

    /** What resolves host names (runs on the resolver threads). */
    public HostResolver hostResolver() {
        return hostResolver;
    }

    /** How long resolved addresses are cached (default 60 s, as curl); zero disables the cache. libcurl: CURLOPT_DNS_CACHE_TIMEOUT. */
    public Duration dnsCacheTimeout() {
        return dnsCacheTimeout;
    }

    /** Head start of the first address family before the other is tried in parallel (default 200 ms, as curl). libcurl: CURLOPT_HAPPY_EYEBALLS_TIMEOUT_MS. */
    public Duration happyEyeballsTimeout() {
        return happyEyeballsTimeout;
    }

    /** Whether Nagle's algorithm is off (default true). libcurl: CURLOPT_TCP_NODELAY. */
    public boolean tcpNoDelay() {
        return tcpNoDelay;
    }

    /** Socket send buffer size in bytes, 0 for the system default. */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** Socket receive buffer size in bytes, 0 for the system default. */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** What decides whether each resolved address may be connected to. libcurl: CURLOPT_OPENSOCKETFUNCTION. */
    public ConnectPolicy connectPolicy() {
        return connectPolicy;
    }

    /** What hears each step of every transfer. */
    public FetchListener listener() {
        return listener;
    }

    /** The monotonic clock in nanoseconds; System.nanoTime unless a test sets one. */
    public LongSupplier nanoClock() {
        return nanoClock;
    }

    /** How https connections are secured; {@link TlsConfig#DEFAULT} (verified) unless set. */
    public TlsConfig tls() {
        return tls != null ? tls : TlsConfig.DEFAULT;
    }

    /** Where requests go through a proxy; {@link ProxySettings#NONE} unless set. */
    public ProxySettings proxy() {
        return proxy;
    }

    /** Per-host pacing and host blocks; {@link Politeness#NONE} unless set. */
    public Politeness politeness() {
        return politeness;
    }

    /** When failed attempts are retried; {@link RetryPolicy#NONE} unless set. */
    public RetryPolicy retry() {
        return retry;
    }

    /** Fixed addresses for {@code host} and {@code port}, or null. libcurl: CURLOPT_RESOLVE. */
    public List<InetAddress> resolveOverride(String host, int port) {
        return overrides.addresses(host, port);
    }

    /** Where to connect instead of {@code host} and {@code port}, or null. libcurl: CURLOPT_CONNECT_TO. */
    public HostPort connectTo(String host, int port) {
        return overrides.connectTo(host, port);
    }

    /** A host and port. */
    public record HostPort(String host, int port) {
    }

    /** Builds {@link MultiOptions}. */
    public static final class Builder {

        private int maxTotalConnections = 0;
        private int maxHostConnections = 8;
        private int maxConnects = 64;
        private Duration maxIdleAge = Duration.ofSeconds(118);
        private Duration maxLifetime = Duration.ofHours(24);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration timeout = null;
        private Duration readTimeout = Duration.ofSeconds(60);
        private long lowSpeedLimit = 0;
        private Duration lowSpeedTime = Duration.ofSeconds(30);
        private long maxBodySize = 64L * 1024 * 1024;
        private int maxHeaderBytes = 100 * 1024;
        private String userAgent = "multifetch/0.1";
        private int resolverThreads = 4;
        private HostResolver hostResolver = HostResolver.SYSTEM;
        private Duration dnsCacheTimeout = Duration.ofSeconds(60);
        private Duration happyEyeballsTimeout = Duration.ofMillis(200);
        private boolean tcpNoDelay = true;
        private int sendBufferSize = 0;
        private int receiveBufferSize = 0;
        private ConnectPolicy connectPolicy = ConnectPolicy.ALLOW_ALL;
        private FetchListener listener = FetchListener.NONE;
        private TlsConfig tls;
        private HttpVersion httpVersion = HttpVersion.HTTP_2;
        private int maxConcurrentStreams = 100;
        private boolean pipeWait = true;
        private LongSupplier nanoClock = System::nanoTime;
        private final HostOverrides overrides = new HostOverrides();
        private ProxySettings proxy = ProxySettings.NONE;
        private Politeness politeness = Politeness.NONE;
        private RetryPolicy retry = RetryPolicy.NONE;

        private Builder() {
        }

        /** Sets {@link MultiOptions#maxTotalConnections()}: most connections open at once, 0 for no cap. Transfers beyond it wait as PENDING. libcurl: CURLMOPT_MAX_TOTAL_CONNECTIONS. */
        public Builder maxTotalConnections(int value) {
            Checks.notNegative("maxTotalConnections", value);
            this.maxTotalConnections = value;
            return this;
        }

        /** Sets {@link MultiOptions#maxHostConnections()}: most connections open at once to one origin, 0 for no cap (default 8, to protect a host). Transfers beyond it wait as PENDING. libcurl: CURLMOPT_MAX_HOST_CONNECTIONS. */
        public Builder maxHostConnections(int value) {
            Checks.notNegative("maxHostConnections", value);
            this.maxHostConnections = value;
            return this;
        }

        /** Sets {@link MultiOptions#maxConnects()}: most idle connections kept in the cache; the oldest idle one is closed beyond it. libcurl: CURLMOPT_MAXCONNECTS. */
        public Builder maxConnects(int value) {
            Checks.notNegative("maxConnects", value);
            this.maxConnects = value;
            return this;
        }

        /** Sets {@link MultiOptions#maxIdleAge()}: how long an idle connection is kept and may be reused (default 118 s, as curl). libcurl: CURLOPT_MAXAGE_CONN. */
        public Builder maxIdleAge(Duration value) {
            Checks.positive("maxIdleAge", value);
            this.maxIdleAge = value;
            return this;
        }

        /** Sets {@link MultiOptions#maxLifetime()}: how long after it opened a connection may still be reused (default 24 h, as curl). libcurl: CURLOPT_MAXLIFETIME_CONN. */
        public Builder maxLifetime(Duration value) {
            Checks.positive("maxLifetime", value);
            this.maxLifetime = value;
            return this;
        }

        /** Sets {@link MultiOptions#connectTimeout()}: default limit on name lookup, TCP connect and TLS handshake together (default 10 s). libcurl: CURLOPT_CONNECTTIMEOUT_MS. */
        public Builder connectTimeout(Duration value) {
            Checks.positive("connectTimeout", value);
            this.connectTimeout = value;
            return this;
        }

        /** Sets {@link MultiOptions#timeout()}: default limit on a whole transfer, queue time included; null for none. libcurl: CURLOPT_TIMEOUT_MS. */
        public Builder timeout(Duration value) {
            if (value != null) {
                Checks.positive("timeout", value);
            }
            this.timeout = value;
            return this;
        }

        /** Sets {@link MultiOptions#readTimeout()}: default limit on the silence between response bytes once the request is sent (default 60 s); null for none. */
        public Builder readTimeout(Duration value) {
            if (value != null) {
                Checks.positive("readTimeout", value);
            }
            this.readTimeout = value;
            return this;
        }

        /** Sets {@link MultiOptions#lowSpeedLimit()}: default low-speed limit in bytes per second, 0 for off: a transfer slower than this over lowSpeedTime fails. libcurl: CURLOPT_LOW_SPEED_LIMIT. */
        public Builder lowSpeedLimit(long value) {
            Checks.notNegative("lowSpeedLimit", value);
            this.lowSpeedLimit = value;
            return this;
        }

        /** Sets {@link MultiOptions#lowSpeedTime()}: the period over which the low-speed limit is judged. libcurl: CURLOPT_LOW_SPEED_TIME. */
        public Builder lowSpeedTime(Duration value) {
            Checks.positive("lowSpeedTime", value);
            this.lowSpeedTime = value;
            return this;
        }

        /** Sets {@link MultiOptions#maxBodySize()}: default largest body accepted, in decoded bytes (default 64 MiB). libcurl: CURLOPT_MAXFILESIZE_LARGE. */
        public Builder maxBodySize(long value) {
            Checks.notNegative("maxBodySize", value);
            this.maxBodySize = value;
            return this;
        }

        /** Sets {@link MultiOptions#maxHeaderBytes()}: largest response header block accepted, in bytes (default 100 KiB, as curl). */
        public Builder maxHeaderBytes(int value) {
            if (value < 1024) {
                throw new IllegalArgumentException("maxHeaderBytes < 1024: " + value);
            }
            this.maxHeaderBytes = value;
            return this;
        }

        /** Sets {@link MultiOptions#userAgent()}: the User-Agent sent unless a request sets its own. libcurl: CURLOPT_USERAGENT. */
        public Builder userAgent(String value) {
            Objects.requireNonNull(value, "userAgent");
            if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new IllegalArgumentException("userAgent contains CR, LF or NUL: \"" + value + "\"");
            }
            this.userAgent = value;
            return this;
        }

        /** Sets {@link MultiOptions#resolverThreads()}: most threads resolving host names at once. libcurl: CURLMOPT_RESOLVE_THREADS_MAX. */
        public Builder resolverThreads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("resolverThreads < 1: " + value);
            }
            this.resolverThreads = value;
            return this;
        }

        /** Sets {@link MultiOptions#hostResolver()}: what resolves host names (runs on the resolver threads). */
        public Builder hostResolver(HostResolver value) {
            Objects.requireNonNull(value, "hostResolver");
            this.hostResolver = value;
            return this;
        }

        /** Sets {@link MultiOptions#dnsCacheTimeout()}: how long resolved addresses are cached (default 60 s, as curl); zero disables the cache. libcurl: CURLOPT_DNS_CACHE_TIMEOUT. */
        public Builder dnsCacheTimeout(Duration value) {
            Checks.notNegative("dnsCacheTimeout", value);
            this.dnsCacheTimeout = value;
            return this;
        }

        /** Sets {@link MultiOptions#happyEyeballsTimeout()}: head start of the first address family before the other is tried in parallel (default 200 ms, as curl). libcurl: CURLOPT_HAPPY_EYEBALLS_TIMEOUT_MS. */
        public Builder happyEyeballsTimeout(Duration value) {
            Checks.positive("happyEyeballsTimeout", value);
            this.happyEyeballsTimeout = value;
            return this;
        }

        /** Sets {@link MultiOptions#tcpNoDelay()}: whether Nagle's algorithm is off (default true). libcurl: CURLOPT_TCP_NODELAY. */
        public Builder tcpNoDelay(boolean value) {
            this.tcpNoDelay = value;
            return this;
        }

        /** Sets {@link MultiOptions#sendBufferSize()}: socket send buffer size in bytes, 0 for the system default. */
        public Builder sendBufferSize(int value) {
            Checks.notNegative("sendBufferSize", value);
            this.sendBufferSize = value;
            return this;
        }

        /** Sets {@link MultiOptions#receiveBufferSize()}: socket receive buffer size in bytes, 0 for the system default. */
        public Builder receiveBufferSize(int value) {
            Checks.notNegative("receiveBufferSize", value);
            this.receiveBufferSize = value;
            return this;
        }

        /** Sets {@link MultiOptions#connectPolicy()}: what decides whether each resolved address may be connected to. libcurl: CURLOPT_OPENSOCKETFUNCTION. */
        public Builder connectPolicy(ConnectPolicy value) {
            Objects.requireNonNull(value, "connectPolicy");
            this.connectPolicy = value;
            return this;
        }

        /** Sets {@link MultiOptions#listener()}: what hears each step of every transfer. */
        public Builder listener(FetchListener value) {
            Objects.requireNonNull(value, "listener");
            this.listener = value;
            return this;
        }

        /** Sets {@link MultiOptions#nanoClock()}: the monotonic clock in nanoseconds; System.nanoTime unless a test sets one. */
        public Builder nanoClock(LongSupplier value) {
            Objects.requireNonNull(value, "nanoClock");
            this.nanoClock = value;
            return this;
        }

        /** Sets {@link MultiOptions#httpVersion()}: the HTTP version transfers ask for by default. libcurl: CURLOPT_HTTP_VERSION. */
        public Builder httpVersion(HttpVersion value) {
            this.httpVersion = Objects.requireNonNull(value, "httpVersion");
            return this;
        }

        /** Sets {@link MultiOptions#maxConcurrentStreams()}: most streams on one HTTP/2 connection, 1 to 2^31-1. libcurl: CURLMOPT_MAX_CONCURRENT_STREAMS. */
        public Builder maxConcurrentStreams(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxConcurrentStreams < 1: " + value);
            }
            this.maxConcurrentStreams = value;
            return this;
        }

        /** Sets {@link MultiOptions#pipeWait()}: whether transfers wait for a connection that may multiplex. libcurl: CURLOPT_PIPEWAIT. */
        public Builder pipeWait(boolean value) {
            this.pipeWait = value;
            return this;
        }

        /** Sets how https connections are secured (trust, client certificate, versions). */
        public Builder tls(TlsConfig value) {
            this.tls = Objects.requireNonNull(value, "tls");
            return this;
        }

        /**
         * Pins {@code host} and {@code port} to {@code addresses}: no lookup, no expiry. Applies
         * to every transfer of the handle, redirects included. libcurl: CURLOPT_RESOLVE.
         */
        public Builder resolve(String host, int port, InetAddress... addresses) {
            overrides.resolve(host, port, addresses);
            return this;
        }

        /**
         * Connects to {@code toHost}:{@code toPort} whenever a URL names {@code host}:{@code port};
         * the Host header (and TLS name) keep the URL's host. libcurl: CURLOPT_CONNECT_TO.
         */
        public Builder connectTo(String host, int port, String toHost, int toPort) {
            overrides.connectTo(host, port, toHost, toPort);
            return this;
        }

        /** Sends requests through the proxy at {@code url} (see {@link ProxyConfig#parse}); {@code ""} for none. libcurl: CURLOPT_PROXY. */
        public Builder proxy(String url) {
            this.proxy = proxy.toBuilder().url(url).build();
            return this;
        }

        /** Hosts that bypass the proxy, in curl's NO_PROXY rules. libcurl: CURLOPT_NOPROXY. */
        public Builder noProxy(String list) {
            this.proxy = proxy.toBuilder().noProxy(list).build();
            return this;
        }

        /** Every proxy setting at once: sources, credentials, tunnelling, the proxy's TLS. */
        public Builder proxy(ProxySettings settings) {
            this.proxy = Objects.requireNonNull(settings, "proxy settings");
            return this;
        }

        /** Paces request starts per host and honours a host's {@code Retry-After} (see {@link Politeness}). */
        public Builder politeness(Politeness value) {
            this.politeness = Objects.requireNonNull(value, "politeness");
            return this;
        }

        /** Retries failed attempts as {@code value} says (see {@link RetryPolicy}). */
        public Builder retry(RetryPolicy value) {
            this.retry = Objects.requireNonNull(value, "retry");
            return this;
        }

        /** Builds the options. */
        public MultiOptions build() {
            return new MultiOptions(this);
        }
    }
}
