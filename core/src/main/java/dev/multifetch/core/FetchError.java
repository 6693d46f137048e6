package dev.multifetch.core;

/**
 * Why one transfer ended, named and numbered after libcurl's {@code CURLcode}, so logs and
 * metrics compare directly with curl's. {@link #OK} is the only success value; HTTP 4xx and 5xx
 * responses are still {@code OK}, as in curl.
 *
 * <p>Where the engine and curl differ, on purpose:
 * <ul>
 *   <li>Response header limits: the engine has one, {@code maxHeaderBytes} (100 KiB by default),
 *       per hop, interim responses included. A single line longer than it is {@link #TOO_LARGE},
 *       lines that add up past it are {@link #RECV_ERROR}, as curl names the two cases; but curl's
 *       total is 300 KiB per response and 20 times that across redirects, while the engine bounds
 *       the redirect chain by {@code maxRedirects} alone. More than 1,000 fields is
 *       {@link #TOO_LARGE}; curl counts bytes only.</li>
 *   <li>A malformed trailer field (a NUL or CR, no colon) is {@link #WEIRD_SERVER_REPLY}, as the
 *       same flaw in a header field is; curl's chunked parser reports {@link #RECV_ERROR}.</li>
 *   <li>{@link #BAD_FUNCTION_ARGUMENT} never ends a transfer: an option out of range is refused
 *       when the request or the options are built, with an {@link IllegalArgumentException}.</li>
 * </ul>
 *
 * <p>libcurl: {@code CURLcode}, {@code CURLMsg.data.result}.
 */
public enum FetchError {

    /** Success. libcurl: CURLE_OK. */
    OK(0),
    /**
     * The URL's scheme (written, or guessed from the host name as curl guesses it) is not http or
     * https, or was refused; or the server answered in a protocol version the connection does not
     * speak: a status line such as {@code HTTP/1.2} or {@code HTTP/3.0} on HTTP/1.1, or an HTTP/0.9
     * reply without a status line. libcurl: CURLE_UNSUPPORTED_PROTOCOL.
     */
    UNSUPPORTED_PROTOCOL(1),
    /** The URL could not be parsed; the message says what is wrong and quotes it. libcurl: CURLE_URL_MALFORMAT. */
    URL_MALFORMAT(3),
    /** The proxy's host name did not resolve. libcurl: CURLE_COULDNT_RESOLVE_PROXY. */
    COULDNT_RESOLVE_PROXY(5),
    /** The host name did not resolve. libcurl: CURLE_COULDNT_RESOLVE_HOST. */
    COULDNT_RESOLVE_HOST(6),
    /** No address of the host accepted a connection. libcurl: CURLE_COULDNT_CONNECT. */
    COULDNT_CONNECT(7),
    /**
     * The server's reply broke HTTP's rules: a bad status line or field, a NUL or CR in a field, a
     * bad or conflicting {@code Content-Length}, two different {@code Location} fields in a 3xx.
     * libcurl: CURLE_WEIRD_SERVER_REPLY.
     */
    WEIRD_SERVER_REPLY(8),
    /** The body ended before its announced length. libcurl: CURLE_PARTIAL_FILE. */
    PARTIAL_FILE(18),
    /**
     * Bytes followed the end of a compressed body, which curl reports so. A body consumer that
     * throws is {@link #ABORTED_BY_CALLBACK}. libcurl: CURLE_WRITE_ERROR.
     */
    WRITE_ERROR(23),
    /** A request body source failed. libcurl: CURLE_READ_ERROR. */
    READ_ERROR(26),
    /** A timeout expired; the message says which one. libcurl: CURLE_OPERATION_TIMEDOUT. */
    OPERATION_TIMEDOUT(28),
    /** The TLS handshake failed. libcurl: CURLE_SSL_CONNECT_ERROR. */
    SSL_CONNECT_ERROR(35),
    /** A callback aborted the transfer, or it was cancelled. libcurl: CURLE_ABORTED_BY_CALLBACK. */
    ABORTED_BY_CALLBACK(42),
    /**
     * Not produced by the engine, whose options are checked when they are built (see the class
     * comment); kept so that the names stay curl's. libcurl: CURLE_BAD_FUNCTION_ARGUMENT.
     */
    BAD_FUNCTION_ARGUMENT(43),
    /** More redirects than allowed. libcurl: CURLE_TOO_MANY_REDIRECTS. */
    TOO_MANY_REDIRECTS(47),
    /** The server closed the connection without sending a byte. libcurl: CURLE_GOT_NOTHING. */
    GOT_NOTHING(52),
    /**
     * The HTTP/2 connection failed: a protocol error, a GOAWAY with an error, or a limit against
     * a hostile server; the message names the frame, stream, limit and HTTP/2 error code.
     * libcurl: CURLE_HTTP2.
     */
    HTTP2(16),
    /** Sending the request failed. libcurl: CURLE_SEND_ERROR. */
    SEND_ERROR(55),
    /**
     * Receiving the response failed, its chunked framing was broken, or its header lines added up
     * past {@code maxHeaderBytes}. libcurl: CURLE_RECV_ERROR.
     */
    RECV_ERROR(56),
    /** The peer's certificate or name did not verify. libcurl: CURLE_PEER_FAILED_VERIFICATION. */
    PEER_FAILED_VERIFICATION(60),
    /** The content encoding could not be decoded. libcurl: CURLE_BAD_CONTENT_ENCODING. */
    BAD_CONTENT_ENCODING(61),
    /**
     * The body delivered is larger than {@code maxBodySize}; the skipped body of a followed
     * redirect does not count, as in curl. libcurl: CURLE_FILESIZE_EXCEEDED.
     */
    FILESIZE_EXCEEDED(63),
    /**
     * The server reset this transfer's HTTP/2 stream, or the stream broke HTTP/2's rules; the
     * message carries the HTTP/2 error code. Other streams of the connection go on.
     * libcurl: CURLE_HTTP2_STREAM.
     */
    HTTP2_STREAM(92),
    /**
     * The proxy handshake failed: a CONNECT answered with other than 2xx, a refused SOCKS request,
     * a malformed or hostile reply; the {@link ProxyException} carries the detail and the CONNECT
     * status. libcurl: CURLE_PROXY.
     */
    PROXY(97),
    /**
     * One response header line is longer than {@code maxHeaderBytes}, or a head has more than
     * 1,000 fields. libcurl: CURLE_TOO_LARGE.
     */
    TOO_LARGE(100);

    private final int curlCode;

    FetchError(int curlCode) {
        this.curlCode = curlCode;
    }

    /** The numeric value of the matching libcurl {@code CURLcode}. */
    public int curlCode() {
        return curlCode;
    }
}
