package dev.multifetch.core.multi;

/**
 * One request/response exchange of a transfer over its connection, whatever the protocol: the
 * state machine calls it in DO, DID and PERFORMING and never asks which protocol carries it.
 * HTTP/1.1 ({@link Http1Exchange}) owns the whole connection for the exchange; HTTP/2
 * ({@link Http2Exchange}) is one stream of a shared connection. Implementations keep their
 * per-transfer state on the transfer and are shared by every transfer of a multi handle.
 * Driving thread only.
 *
 * <p>OkHttp: {@code ExchangeCodec}; JDK: {@code ExchangeImpl}.
 */
interface Exchange {

    /** DO: sends the request head, and the body as far as the protocol lets it go now. */
    boolean send(Run t);

    /** DID: the request is out (or going out alongside); reading starts. */
    boolean startReading(Run t);

    /** PERFORMING: moves the response (and any body still going out) on; DONE at its end. */
    boolean perform(Run t);

    /** What is known of the response. */
    dev.multifetch.core.exchange.ResponseProgress progress(Run t);

    /** The exchange ended well: its connection goes back to be reused if {@code reusable}, or is closed. */
    void release(Run t, boolean reusable);

    /** The transfer failed or was stopped mid-exchange: its stream or connection is given up. */
    void abandon(Run t);
}
