package dev.multifetch.core;

import java.util.Objects;

/**
 * A transfer that failed at its proxy: the {@link ProxyError} detail, the proxy (never its
 * credentials), and for an HTTP proxy the status it answered CONNECT with.
 * libcurl: {@code CURLE_PROXY} with {@code CURLINFO_PROXY_ERROR} and {@code CURLINFO_HTTP_CONNECTCODE}.
 */
public class ProxyException extends FetchException {

    private static final long serialVersionUID = 1L;

    private final ProxyError detail;
    private final String proxy;
    private final int connectCode;

    /** A failure at {@code proxy} (shown as {@code scheme://host:port}) with {@code error} and {@code detail}. */
    public ProxyException(FetchError error, ProxyError detail, String proxy, int connectCode, String message, Throwable cause) {
        super(error, message, cause);
        this.detail = Objects.requireNonNull(detail, "detail");
        this.proxy = proxy;
        this.connectCode = connectCode;
    }

    /** A {@link FetchError#PROXY} failure. */
    public ProxyException(ProxyError detail, String proxy, int connectCode, String message) {
        this(FetchError.PROXY, detail, proxy, connectCode, message, null);
    }

    /** What went wrong in the handshake. libcurl: CURLINFO_PROXY_ERROR. */
    public ProxyError detail() {
        return detail;
    }

    /** The proxy, as {@code scheme://host:port}, without credentials. */
    public String proxy() {
        return proxy;
    }

    /** The status the proxy answered CONNECT with, 0 if none. libcurl: CURLINFO_HTTP_CONNECTCODE. */
    public int connectCode() {
        return connectCode;
    }
}
