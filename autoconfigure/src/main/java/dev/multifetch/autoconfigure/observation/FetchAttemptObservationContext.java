package dev.multifetch.autoconfigure.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.multifetch.core.FetchRequest;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

/**
 * The context of one attempt of a fetch: the first request, a redirect hop, a retry or a repeat.
 * Its observation is a child of the fetch's; the failure that ended it, if any, is its error. A
 * client-kind sender context: its carrier is the header fields set on this attempt's request, so
 * that with a tracer the server receives the attempt's own {@code traceparent}.
 */
public class FetchAttemptObservationContext extends SenderContext<Map<String, String>> {

    private final FetchRequest request;

    private final int attempt;

    private final String url;

    private final String host;

    private int status;

    /**
     * The context of attempt {@code attempt} (from 1) of the fetch of {@code request}, to
     * {@code url}; {@code host} is the host of the request's URL.
     */
    public FetchAttemptObservationContext(FetchRequest request, String host, int attempt, String url) {
        super(FetchObservationContext.SETTER, Kind.CLIENT);
        setCarrier(new LinkedHashMap<>(4));
        this.request = request;
        this.attempt = attempt;
        this.url = url;
        this.host = url.equals(request.url()) ? host : ClientKeyValues.host(url);
    }

    /** The request of the fetch this attempt belongs to. */
    public FetchRequest getRequest() {
        return this.request;
    }

    /** The attempt's number, from 1. */
    public int getAttempt() {
        return this.attempt;
    }

    /** The URL this attempt asks for (a redirect hop's differs from the request's). */
    public String getUrl() {
        return this.url;
    }

    /** The host of {@link #getUrl()}, or {@code null} when it has none. */
    public String getHost() {
        return this.host;
    }

    /** The status of the attempt's response, or 0 while it runs and when it got none. */
    public int getStatus() {
        return this.status;
    }

    /** Sets the status of the attempt's response. */
    public void setStatus(int status) {
        this.status = status;
    }
}
