package dev.multifetch.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.HttpVersion;
import dev.multifetch.core.MultiOptions;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Settings of the auto-configured {@link FetchEngine}, bound from {@code multifetch.*}. The rules
 * for each value live in core ({@link MultiOptions.Builder}, {@link FetchEngine.Builder}); this
 * class only maps properties onto them, and validates itself with those same rules while it is
 * bound, so a bad value fails startup with an error that names the property.
 */
@ConfigurationProperties("multifetch")
public class MultifetchProperties implements Validator {

    /**
     * Most connections open at once to one host (scheme, host and port), 0 for no cap. Transfers
     * beyond it wait for a free connection.
     */
    private int maxHostConnections = 8;

    /** Most connections open at once in total, 0 for no cap. Transfers beyond it wait. */
    private int maxTotalConnections = 0;

    /** Most idle connections kept for reuse; the oldest idle one is closed beyond it. */
    private int maxConnects = 64;

    /** How long an idle connection is kept and may be reused. */
    private Duration maxIdleAge = Duration.ofSeconds(118);

    /** How long after it opened a connection may still be reused. */
    private Duration maxLifetime = Duration.ofHours(24);

    /**
     * Connect timeout of requests that set none: name lookup, TCP connect and, for https, the TLS
     * handshake, together.
     */
    private Duration connectTimeout = Duration.ofSeconds(10);

    /**
     * Longest silence allowed between response bytes once the request is sent, for requests
     * that set none. 0 for no read timeout.
     */
    private Duration readTimeout = Duration.ofSeconds(60);

    /**
     * Timeout for a whole transfer, time spent waiting for a connection included, of requests
     * that set none. Unset for no timeout.
     */
    private Duration timeout;

    /**
     * Slowest average transfer speed, per second, tolerated over low-speed-time; a slower
     * transfer fails. 0 turns the check off.
     */
    private DataSize lowSpeedLimit = DataSize.ofBytes(0);

    /** Period over which low-speed-limit is judged. */
    private Duration lowSpeedTime = Duration.ofSeconds(30);

    /** Largest response body accepted (after decoding); a larger one fails the transfer. */
    private DataSize maxBodySize = DataSize.ofMegabytes(64);

    /** Largest response header block accepted; a larger one fails the transfer. */
    private DataSize maxHeaderSize = DataSize.ofKilobytes(100);

    /** User-Agent header sent with requests that set none. */
    private String userAgent = "multifetch/0.1";

    /** Most threads resolving host names at once. */
    private int resolverThreads = 4;

    /** How long resolved addresses are cached; 0 turns the cache off. */
    private Duration dnsCacheTimeout = Duration.ofSeconds(60);

    /**
     * Head start of the first address family (IPv6 or IPv4) before the other is tried in
     * parallel.
     */
    private Duration happyEyeballsTimeout = Duration.ofMillis(200);

    /** Whether to turn Nagle's algorithm off (TCP_NODELAY) on every connection. */
    private boolean tcpNoDelay = true;

    /** Socket send buffer size; 0 for the operating system's default. */
    private DataSize sendBufferSize = DataSize.ofBytes(0);

    /** Socket receive buffer size; 0 for the operating system's default. */
    private DataSize receiveBufferSize = DataSize.ofBytes(0);

    /**
     * HTTP version requests ask for when they set none: http1.1 (HTTP/1.1 only), http2 (HTTP/2
     * where TLS negotiates it by ALPN, HTTP/1.1 otherwise and on cleartext http://) or
     * http2-prior-knowledge (HTTP/2 from the first byte, h2c on cleartext, for servers known to
     * speak it).
     */
    private String httpVersion = "http2";

    /**
     * Most streams (requests) in flight at once on one HTTP/2 connection; the server's own
     * SETTINGS_MAX_CONCURRENT_STREAMS caps it further. Transfers beyond it wait for a free stream
     * or open another connection within the connection limits.
     */
    private int maxConcurrentStreams = 100;

    /**
     * Whether a transfer to a host whose connection is still being set up waits to learn if that
     * connection multiplexes (HTTP/2) and shares it, rather than opening a connection of its own.
     */
    private boolean pipeWait = true;

    /**
     * How long transfers in flight may still run when the engine stops with the application
     * context; those still running then are aborted.
     */
    private Duration shutdownGrace = Duration.ofSeconds(5);

    private final Ssl ssl = new Ssl();

    @NestedConfigurationProperty
    private final MultifetchProxyProperties proxy = new MultifetchProxyProperties();

    @NestedConfigurationProperty
    private final MultifetchPolitenessProperties politeness = new MultifetchPolitenessProperties();

    @NestedConfigurationProperty
    private final MultifetchRetryProperties retry = new MultifetchRetryProperties();

    private final Metrics metrics = new Metrics();

    private final Health health = new Health();

    public int getMaxHostConnections() {
        return this.maxHostConnections;
    }

    public void setMaxHostConnections(int maxHostConnections) {
        this.maxHostConnections = maxHostConnections;
    }

    public int getMaxTotalConnections() {
        return this.maxTotalConnections;
    }

    public void setMaxTotalConnections(int maxTotalConnections) {
        this.maxTotalConnections = maxTotalConnections;
    }

    public int getMaxConnects() {
        return this.maxConnects;
    }

    public void setMaxConnects(int maxConnects) {
        this.maxConnects = maxConnects;
    }

    public Duration getMaxIdleAge() {
        return this.maxIdleAge;
    }

    public void setMaxIdleAge(Duration maxIdleAge) {
        this.maxIdleAge = maxIdleAge;
    }

    public Duration getMaxLifetime() {
        return this.maxLifetime;
    }

    public void setMaxLifetime(Duration maxLifetime) {
        this.maxLifetime = maxLifetime;
    }

    public Duration getConnectTimeout() {
        return this.connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getReadTimeout() {
        return this.readTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    public Duration getTimeout() {
        return this.timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public DataSize getLowSpeedLimit() {
        return this.lowSpeedLimit;
    }

    public void setLowSpeedLimit(DataSize lowSpeedLimit) {
        this.lowSpeedLimit = lowSpeedLimit;
    }

    public Duration getLowSpeedTime() {
        return this.lowSpeedTime;
    }

    public void setLowSpeedTime(Duration lowSpeedTime) {
        this.lowSpeedTime = lowSpeedTime;
    }

    public DataSize getMaxBodySize() {
        return this.maxBodySize;
    }

    public void setMaxBodySize(DataSize maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    public DataSize getMaxHeaderSize() {
        return this.maxHeaderSize;
    }

    public void setMaxHeaderSize(DataSize maxHeaderSize) {
        this.maxHeaderSize = maxHeaderSize;
    }

    public String getUserAgent() {
        return this.userAgent;
    }

    public void setUserAgent(String userAgent) {
        this.userAgent = userAgent;
    }

    public int getResolverThreads() {
        return this.resolverThreads;
    }

    public void setResolverThreads(int resolverThreads) {
        this.resolverThreads = resolverThreads;
    }

    public Duration getDnsCacheTimeout() {
        return this.dnsCacheTimeout;
    }

    public void setDnsCacheTimeout(Duration dnsCacheTimeout) {
        this.dnsCacheTimeout = dnsCacheTimeout;
    }

    public Duration getHappyEyeballsTimeout() {
        return this.happyEyeballsTimeout;
    }

    public void setHappyEyeballsTimeout(Duration happyEyeballsTimeout) {
        this.happyEyeballsTimeout = happyEyeballsTimeout;
    }

    public boolean isTcpNoDelay() {
        return this.tcpNoDelay;
    }

    public void setTcpNoDelay(boolean tcpNoDelay) {
        this.tcpNoDelay = tcpNoDelay;
    }

    public DataSize getSendBufferSize() {
        return this.sendBufferSize;
    }

    public void setSendBufferSize(DataSize sendBufferSize) {
        this.sendBufferSize = sendBufferSize;
    }

    public DataSize getReceiveBufferSize() {
        return this.receiveBufferSize;
    }

    public void setReceiveBufferSize(DataSize receiveBufferSize) {
        this.receiveBufferSize = receiveBufferSize;
    }

    public String getHttpVersion() {
        return this.httpVersion;
    }

    public void setHttpVersion(String httpVersion) {
        this.httpVersion = httpVersion;
    }

    public int getMaxConcurrentStreams() {
        return this.maxConcurrentStreams;
    }

    public void setMaxConcurrentStreams(int maxConcurrentStreams) {
        this.maxConcurrentStreams = maxConcurrentStreams;
    }

    public boolean isPipeWait() {
        return this.pipeWait;
    }

    public void setPipeWait(boolean pipeWait) {
        this.pipeWait = pipeWait;
    }

    public Duration getShutdownGrace() {
        return this.shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
    }

    public Ssl getSsl() {
        return this.ssl;
    }

    public MultifetchProxyProperties getProxy() {
        return this.proxy;
    }

    public MultifetchPolitenessProperties getPoliteness() {
        return this.politeness;
    }

    public MultifetchRetryProperties getRetry() {
        return this.retry;
    }

    public Metrics getMetrics() {
        return this.metrics;
    }

    public Health getHealth() {
        return this.health;
    }

    /** A builder of the multi handle options these properties describe, politeness and retries included. */
    MultiOptions.Builder toOptionsBuilder() {
        MultiOptions.Builder builder = MultiOptions.builder();
        optionSettings().forEach((setting) -> setting.setter().accept(builder));
        return builder.politeness(this.politeness.toPoliteness()).retry(this.retry.toPolicy());
    }

    /** The multi handle options these properties describe. */
    MultiOptions toOptions() {
        return toOptionsBuilder().build();
    }

    @Override
    public boolean supports(Class<?> type) {
        return MultifetchProperties.class.isAssignableFrom(type);
    }

    /** Tries each value on its own against core's rules and rejects the field core refuses. */
    @Override
    public void validate(Object target, Errors errors) {
        for (PropertySetting<MultiOptions.Builder> setting : optionSettings()) {
            setting.check(MultiOptions.builder(), errors);
        }
        new PropertySetting<FetchEngine.Builder>("shutdownGrace", (b) -> b.shutdownGrace(this.shutdownGrace))
            .check(FetchEngine.builder(), errors);
        PropertyReasons.check(errors, "health.stallThreshold", this.health::requireValidStallThreshold);
        this.proxy.validate(errors);
        this.politeness.validate(errors);
        this.retry.validate(errors);
    }

    private List<PropertySetting<MultiOptions.Builder>> optionSettings() {
        return List.of(
                new PropertySetting<>("maxHostConnections", (b) -> b.maxHostConnections(this.maxHostConnections)),
                new PropertySetting<>("maxTotalConnections", (b) -> b.maxTotalConnections(this.maxTotalConnections)),
                new PropertySetting<>("maxConnects", (b) -> b.maxConnects(this.maxConnects)),
                new PropertySetting<>("maxIdleAge", (b) -> b.maxIdleAge(this.maxIdleAge)),
                new PropertySetting<>("maxLifetime", (b) -> b.maxLifetime(this.maxLifetime)),
                new PropertySetting<>("connectTimeout", (b) -> b.connectTimeout(this.connectTimeout)),
                new PropertySetting<>("readTimeout", (b) -> b.readTimeout(zeroAsNone(notNegative("readTimeout", this.readTimeout)))),
                new PropertySetting<>("timeout", (b) -> b.timeout(this.timeout)),
                new PropertySetting<>("lowSpeedLimit", (b) -> b.lowSpeedLimit(this.lowSpeedLimit.toBytes())),
                new PropertySetting<>("lowSpeedTime", (b) -> b.lowSpeedTime(this.lowSpeedTime)),
                new PropertySetting<>("maxBodySize", (b) -> b.maxBodySize(this.maxBodySize.toBytes())),
                new PropertySetting<>("maxHeaderSize", (b) -> b.maxHeaderBytes(intBytes("maxHeaderSize", this.maxHeaderSize))),
                new PropertySetting<>("userAgent", (b) -> b.userAgent(this.userAgent)),
                new PropertySetting<>("resolverThreads", (b) -> b.resolverThreads(this.resolverThreads)),
                new PropertySetting<>("dnsCacheTimeout", (b) -> b.dnsCacheTimeout(this.dnsCacheTimeout)),
                new PropertySetting<>("happyEyeballsTimeout", (b) -> b.happyEyeballsTimeout(this.happyEyeballsTimeout)),
                new PropertySetting<>("tcpNoDelay", (b) -> b.tcpNoDelay(this.tcpNoDelay)),
                new PropertySetting<>("sendBufferSize",
                        (b) -> b.sendBufferSize(intBytes("sendBufferSize", this.sendBufferSize))),
                new PropertySetting<>("receiveBufferSize",
                        (b) -> b.receiveBufferSize(intBytes("receiveBufferSize", this.receiveBufferSize))),
                new PropertySetting<>("httpVersion", (b) -> b.httpVersion(httpVersion(this.httpVersion))),
                new PropertySetting<>("maxConcurrentStreams", (b) -> b.maxConcurrentStreams(this.maxConcurrentStreams)),
                new PropertySetting<>("pipeWait", (b) -> b.pipeWait(this.pipeWait)));
    }

    /** A negative timeout is refused as negative: core's "must be positive" would hide that 0 means none here. */
    private static Duration notNegative(String name, Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative (0 for none): " + timeout);
        }
        return timeout;
    }

    /** Core has {@code null} for "no timeout"; a property cannot be unset below its default, so 0 says it. */
    private static Duration zeroAsNone(Duration timeout) {
        return (timeout != null && timeout.isZero()) ? null : timeout;
    }

    /** The version {@code name} names; blank is left to core, which refuses a {@code null}. */
    private static HttpVersion httpVersion(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        return HttpVersionNames.parse(name)
            .orElseThrow(() -> new IllegalArgumentException(HttpVersionNames.notOneOf(name)));
    }

    /** Core takes these sizes as an {@code int}: a size past 2 GiB is refused, not wrapped. */
    private static int intBytes(String name, DataSize size) {
        long bytes = size.toBytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " > " + Integer.MAX_VALUE + " bytes: " + size);
        }
        return (int) bytes;
    }

    /** TLS settings of the engine's https connections. */
    public static class Ssl {

        /**
         * Name of the SSL bundle (spring.ssl.bundle.*) whose trust material, key and enabled
         * protocols secure the engine's https connections. Unset for the JDK's trust store.
         * Requests with TLS settings of their own (spring.http.clients.ssl.bundle for Spring's
         * HTTP clients) use theirs instead.
         */
        private String bundle;

        public String getBundle() {
            return this.bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }

    /** Settings of the engine's meters. */
    public static class Metrics {

        /**
         * Whether to publish the engine's meters (multifetch.*) to the application's
         * MeterRegistry.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Settings of the engine's health indicator. */
    public static class Health {

        /**
         * How long the selector thread may stay busy in one turn of its loop before the health
         * indicator reports the loop blocked. A turn takes microseconds; one that lasts seconds
         * is stuck in a listener, a callback or a future's dependent stage run on the selector
         * thread.
         */
        private Duration stallThreshold = Duration.ofSeconds(10);

        public Duration getStallThreshold() {
            return this.stallThreshold;
        }

        public void setStallThreshold(Duration stallThreshold) {
            this.stallThreshold = stallThreshold;
        }

        void requireValidStallThreshold() {
            Objects.requireNonNull(this.stallThreshold, "stallThreshold");
            if (this.stallThreshold.isNegative() || this.stallThreshold.isZero()) {
                throw new IllegalArgumentException("stallThreshold must be positive: " + this.stallThreshold);
            }
        }
    }
}
