package dev.multifetch.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the sample app, bound from {@code multifetch.sample.*}: the SSRF guard and how far it
 * trusts the proxy, the API key, the limits on what one request may ask for, and the dashboard.
 * Every default is the safe one.
 */
@ConfigurationProperties("multifetch.sample")
public class SampleProperties {

    /**
     * Whether loopback (127.0.0.0/8, ::1), private (10/8, 172.16/12, 192.168/16) and unique-local
     * (fc00::/7) addresses may be fetched: for local trials and tests only. Link-local and cloud
     * metadata addresses, CGNAT, multicast and reserved ranges stay denied, and so does the app itself.
     */
    private boolean allowPrivateNetworks = false;

    /**
     * Hosts (example.com, *.example.com) and addresses or CIDR ranges (203.0.113.7, 10.1.0.0/16)
     * that may be fetched. When the list is not empty nothing else may be; a range listed here is
     * opened even if the guard denies it by default.
     */
    private List<String> allow = new ArrayList<>();

    /** Hosts (example.com, *.example.com) and addresses or CIDR ranges that may never be fetched. */
    private List<String> deny = new ArrayList<>();

    /** Ports a URL may name (its scheme's default when it names none); empty for any port 1-65535. */
    private List<Integer> allowedPorts = new ArrayList<>(List.of(80, 443));

    /**
     * When set, every /api/** call must carry it in an X-API-Key header (or as a bearer token);
     * the dashboard's event stream may carry it as the apiKey query parameter.
     */
    private String apiKey;

    /**
     * Whether the proxy in multifetch.proxy.url may resolve target names itself (an http or https
     * proxy, socks4a, socks5h), where the guard cannot check the address: true only for an egress
     * guard that checks every address it connects to, such as smokescreen. Literal addresses, and
     * targets of socks4 and socks5 proxies, are checked here whatever it says.
     */
    private boolean trustedProxy = false;

    /**
     * What this instance does when multifetch.kafka.enabled is true: api (takes batches, produces
     * their jobs and streams their results), worker (runs jobs), or all (both: one node works alone).
     */
    private Role role = Role.ALL;

    private final Limits limits = new Limits();

    private final Dashboard dashboard = new Dashboard();

    public boolean isAllowPrivateNetworks() {
        return this.allowPrivateNetworks;
    }

    public void setAllowPrivateNetworks(boolean allowPrivateNetworks) {
        this.allowPrivateNetworks = allowPrivateNetworks;
    }

    public List<String> getAllow() {
        return this.allow;
    }

    public void setAllow(List<String> allow) {
        this.allow = allow;
    }

    public List<String> getDeny() {
        return this.deny;
    }

    public void setDeny(List<String> deny) {
        this.deny = deny;
    }

    public List<Integer> getAllowedPorts() {
        return this.allowedPorts;
    }

    public void setAllowedPorts(List<Integer> allowedPorts) {
        this.allowedPorts = allowedPorts;
    }

    public String getApiKey() {
        return this.apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public boolean isTrustedProxy() {
        return this.trustedProxy;
    }

    public void setTrustedProxy(boolean trustedProxy) {
        this.trustedProxy = trustedProxy;
    }

    public Role getRole() {
        return this.role;
    }

    public void setRole(Role role) {
        this.role = role;
    }

    /** What an instance does in a fleet. */
    public enum Role {
        /** Takes batches and streams their results; runs no jobs. */
        API,
        /** Runs jobs. */
        WORKER,
        /** Both. */
        ALL
    }

    public Limits getLimits() {
        return this.limits;
    }

    public Dashboard getDashboard() {
        return this.dashboard;
    }

    /** What one API call may ask for. A value past a limit is a 400 naming the field and the limit. */
    public static class Limits {

        /** Most requests in one batch. */
        private int maxBatchSize = 20;

        /** Most requests of one batch running at once (the batch's "concurrency" may ask for less). */
        private int maxBatchConcurrency = 8;

        /** Requests of one batch running at once when the batch does not say. */
        private int defaultBatchConcurrency = 4;

        /** Most batches running at once; one more is answered 503 with Retry-After. */
        private int maxConcurrentBatches = 4;

        /**
         * Most body bytes returned per result; a longer body is cut (bodyTruncated=true) while
         * bodyBytes and bodySha256 still describe all of it.
         */
        private DataSize maxReturnedBodySize = DataSize.ofKilobytes(64);

        /** Largest body a target may deliver (after decoding): the cap and default of maxBodyBytes. */
        private DataSize maxBodySize = DataSize.ofMegabytes(16);

        /** Timeout of the whole transfer when a request sets no timeoutMs. */
        private Duration defaultTimeout = Duration.ofSeconds(10);

        /** The longest timeoutMs, connectTimeoutMs or lowSpeedTimeMs a request may ask for. */
        private Duration maxTimeout = Duration.ofSeconds(30);

        /** The largest maxRedirects a request may ask for, and its default when following redirects. */
        private int maxRedirects = 5;

        /**
         * The most retries a request may ask for; its retries and their backoffs all fit within
         * its timeout, whatever they ask.
         */
        private int maxRetries = 5;

        /** The longest minIntervalMs a batch may ask for between the starts of its requests. */
        private Duration maxBatchInterval = Duration.ofSeconds(5);

        /** Largest request body accepted by the API (the JSON of a fetch or a batch). */
        private DataSize maxRequestSize = DataSize.ofKilobytes(256);

        /** Longest URL accepted, in characters. */
        private int maxUrlLength = 2048;

        /** Most headers one request may set. */
        private int maxHeaders = 32;

        /** Largest request body one request may send, in bytes of UTF-8. */
        private DataSize maxRequestBodySize = DataSize.ofKilobytes(64);

        public int getMaxBatchSize() {
            return this.maxBatchSize;
        }

        public void setMaxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
        }

        public int getMaxBatchConcurrency() {
            return this.maxBatchConcurrency;
        }

        public void setMaxBatchConcurrency(int maxBatchConcurrency) {
            this.maxBatchConcurrency = maxBatchConcurrency;
        }

        public int getDefaultBatchConcurrency() {
            return this.defaultBatchConcurrency;
        }

        public void setDefaultBatchConcurrency(int defaultBatchConcurrency) {
            this.defaultBatchConcurrency = defaultBatchConcurrency;
        }

        public int getMaxConcurrentBatches() {
            return this.maxConcurrentBatches;
        }

        public void setMaxConcurrentBatches(int maxConcurrentBatches) {
            this.maxConcurrentBatches = maxConcurrentBatches;
        }

        public DataSize getMaxReturnedBodySize() {
            return this.maxReturnedBodySize;
        }

        public void setMaxReturnedBodySize(DataSize maxReturnedBodySize) {
            this.maxReturnedBodySize = maxReturnedBodySize;
        }

        public DataSize getMaxBodySize() {
            return this.maxBodySize;
        }

        public void setMaxBodySize(DataSize maxBodySize) {
            this.maxBodySize = maxBodySize;
        }

        public Duration getDefaultTimeout() {
            return this.defaultTimeout;
        }

        public void setDefaultTimeout(Duration defaultTimeout) {
            this.defaultTimeout = defaultTimeout;
        }

        public Duration getMaxTimeout() {
            return this.maxTimeout;
        }

        public void setMaxTimeout(Duration maxTimeout) {
            this.maxTimeout = maxTimeout;
        }

        public int getMaxRedirects() {
            return this.maxRedirects;
        }

        public void setMaxRedirects(int maxRedirects) {
            this.maxRedirects = maxRedirects;
        }

        public int getMaxRetries() {
            return this.maxRetries;
        }

        public void setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
        }

        public Duration getMaxBatchInterval() {
            return this.maxBatchInterval;
        }

        public void setMaxBatchInterval(Duration maxBatchInterval) {
            this.maxBatchInterval = maxBatchInterval;
        }

        public DataSize getMaxRequestSize() {
            return this.maxRequestSize;
        }

        public void setMaxRequestSize(DataSize maxRequestSize) {
            this.maxRequestSize = maxRequestSize;
        }

        public int getMaxUrlLength() {
            return this.maxUrlLength;
        }

        public void setMaxUrlLength(int maxUrlLength) {
            this.maxUrlLength = maxUrlLength;
        }

        public int getMaxHeaders() {
            return this.maxHeaders;
        }

        public void setMaxHeaders(int maxHeaders) {
            this.maxHeaders = maxHeaders;
        }

        public DataSize getMaxRequestBodySize() {
            return this.maxRequestBodySize;
        }

        public void setMaxRequestBodySize(DataSize maxRequestBodySize) {
            this.maxRequestBodySize = maxRequestBodySize;
        }
    }

    /** The live dashboard at {@code /}. */
    public static class Dashboard {

        /** How often the dashboard's event stream sends a sample. */
        private Duration tick = Duration.ofSeconds(1);

        /** How much history the charts show. */
        private Duration history = Duration.ofMinutes(5);

        /** How many finished transfers the table keeps. */
        private int recentTransfers = 50;

        public Duration getTick() {
            return this.tick;
        }

        public void setTick(Duration tick) {
            this.tick = tick;
        }

        public Duration getHistory() {
            return this.history;
        }

        public void setHistory(Duration history) {
            this.history = history;
        }

        public int getRecentTransfers() {
            return this.recentTransfers;
        }

        public void setRecentTransfers(int recentTransfers) {
            this.recentTransfers = recentTransfers;
        }
    }
}
