package dev.multifetch.core;

/**
 * Which HTTP version a transfer asks for. curl's choices, with curl's default: HTTP/2 where TLS
 * can negotiate it, HTTP/1.1 otherwise.
 *
 * <p>libcurl: {@code CURLOPT_HTTP_VERSION} ({@code CURL_HTTP_VERSION_1_1}, {@code _2TLS},
 * {@code _2_PRIOR_KNOWLEDGE}).
 */
public enum HttpVersion {
    /** HTTP/1.1 only; TLS offers ALPN {@code http/1.1} alone. libcurl: CURL_HTTP_VERSION_1_1. */
    HTTP_1_1,
    /**
     * HTTP/2 over TLS when the server picks {@code h2} by ALPN (offered as {@code h2,http/1.1}),
     * HTTP/1.1 when it picks {@code http/1.1} or nothing; cleartext {@code http://} stays on
     * HTTP/1.1. The default. libcurl: CURL_HTTP_VERSION_2TLS.
     */
    HTTP_2,
    /**
     * HTTP/2 from the first byte, without negotiation: h2c on cleartext, ALPN {@code h2} alone over
     * TLS. For servers known to speak HTTP/2. libcurl: CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE.
     */
    HTTP_2_PRIOR_KNOWLEDGE
}
