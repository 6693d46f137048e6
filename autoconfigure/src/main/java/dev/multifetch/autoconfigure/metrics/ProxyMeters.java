package dev.multifetch.autoconfigure.metrics;

import javax.net.ssl.SSLException;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The proxy meters of {@link MetricsFetchListener}, fed by the engine's proxy handshake events:
 * {@value #HANDSHAKE_TIME} (timer: from the start of a new connection's proxy handshake, TLS to an
 * https proxy then the CONNECT or SOCKS exchange, to the way through being open or to its
 * failure) tagged {@code outcome} = {@code SUCCESS|ERROR} and {@code type} = the proxy's scheme
 * ({@code http}, {@code https}, {@code socks4}, {@code socks4a}, {@code socks5}, {@code socks5h});
 * and {@value #HANDSHAKE_ERRORS} (counter) tagged {@code type} and {@code error} = the
 * {@link ProxyError} name ({@code CONNECT_REJECTED}, {@code AUTH_FAILED},
 * {@code REPLY_CONNECTION_REFUSED}, ...), {@code TLS} when the TLS handshake with an https proxy
 * failed, {@code IO} for another failure of the connection, or the {@link FetchError} that ended
 * the transfer in the middle of the handshake ({@code OPERATION_TIMEDOUT} for a stalled proxy).
 * Tag values are bounded: a proxy's host never becomes one. Forwarding plain http through an http
 * proxy takes no handshake, so it is not timed.
 */
final class ProxyMeters {

    static final String HANDSHAKE_TIME = "multifetch.proxy.handshake.time";
    static final String HANDSHAKE_ERRORS = "multifetch.proxy.handshake.errors";

    private final Meter.MeterProvider<Timer> handshakeTime;
    private final Meter.MeterProvider<Counter> handshakeErrors;

    ProxyMeters(MeterRegistry registry) {
        this.handshakeTime = Timer.builder(HANDSHAKE_TIME)
            .description("Proxy handshakes of new connections (TLS to an https proxy, CONNECT or SOCKS), by outcome and proxy type")
            .withRegistry(registry);
        this.handshakeErrors = Counter.builder(HANDSHAKE_ERRORS)
            .description("Proxy handshakes that failed, by proxy type and what went wrong")
            .withRegistry(registry);
    }

    /** The timer of handshakes through proxies of {@code type} that ended with {@code outcome}. */
    Timer time(String type, String outcome) {
        return this.handshakeTime.withTags("outcome", outcome, "type", type);
    }

    /** Counts one failed handshake through a proxy of {@code type}. */
    void failed(String type, String error) {
        this.handshakeErrors.withTags("type", type, "error", error).increment();
    }

    /** The scheme of a proxy shown as {@code scheme://host:port}, as the engine names proxies in its events. */
    static String type(String proxy) {
        int end = (proxy != null) ? proxy.indexOf("://") : -1;
        return (end > 0) ? proxy.substring(0, end) : "unknown";
    }

    /** The {@code error} tag of a handshake that failed with {@code cause}. */
    static String error(Exception cause) {
        if (cause instanceof ProxyException proxy) {
            return proxy.detail().name();
        }
        return (cause instanceof SSLException) ? "TLS" : "IO";
    }
}
