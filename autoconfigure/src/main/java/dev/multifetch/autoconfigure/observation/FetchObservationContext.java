package dev.multifetch.autoconfigure.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import io.micrometer.observation.transport.Propagator;
import io.micrometer.observation.transport.RequestReplySenderContext;

/**
 * The context of one fetch's observation, a client-kind sender context: its carrier is the map of
 * header fields the engine sets on the request before queueing it, so the tracing handler's
 * propagation ({@code traceparent}, {@code tracestate}, baggage) writes into the request itself;
 * each field replaces any of the same name the caller set. The response is set when the fetch
 * completes with one.
 */
public class FetchObservationContext extends RequestReplySenderContext<Map<String, String>, FetchResponse> {

    /** Writes a propagated field into a carrier of header fields; shared with the attempts' contexts. */
    static final Propagator.Setter<Map<String, String>> SETTER = (carrier, name, value) -> {
        if (carrier != null) {
            carrier.put(name, value);
        }
    };

    private final FetchRequest request;

    private final String host;

    /** The context of a fetch of {@code request}. */
    public FetchObservationContext(FetchRequest request) {
        super(SETTER);
        this.request = request;
        this.host = ClientKeyValues.host(request.url());
        setCarrier(new LinkedHashMap<>(4));
    }

    /** The request as the caller gave it (without the propagated fields). */
    public FetchRequest getRequest() {
        return this.request;
    }

    /** The host of the request's URL, or {@code null} when it has none (a malformed URL). */
    public String getHost() {
        return this.host;
    }
}
