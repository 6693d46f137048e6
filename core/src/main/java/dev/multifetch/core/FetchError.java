package dev.multifetch.core;

/**
 * Why one transfer ended, named and numbered after libcurl's {@code CURLcode}, so logs and
 * metrics compare directly with curl's. {@link #OK} is the only success value; HTTP 4xx and 5xx
 * responses are still {@code OK}, as in curl.
 *
 * <p>libcurl: {@code CURLcode}, {@code CURLMsg.data.result}.
 */
public enum FetchError {

    /** Success. libcurl: CURLE_OK. */
    OK(0),
    /** The URL's scheme is not supported, or was refused. libcurl: CURLE_UNSUPPORTED_PROTOCOL. */
    UNSUPPORTED_PROTOCOL(1),
    /** The URL could not be parsed. libcurl: CURLE_URL_MALFORMAT. */
    URL_MALFORMAT(3),
    /** The host name did not resolve. libcurl: CURLE_COULDNT_RESOLVE_HOST. */
    COULDNT_RESOLVE_HOST(6),
    /** No address of the host accepted a connection. libcurl: CURLE_COULDNT_CONNECT. */
    COULDNT_CONNECT(7),
    /** The server's reply could not be understood as HTTP. libcurl: CURLE_WEIRD_SERVER_REPLY. */
    WEIRD_SERVER_REPLY(8),
    /** The body ended before its announced length. libcurl: CURLE_PARTIAL_FILE. */
    PARTIAL_FILE(18),
    /** A body sink refused the data. libcurl: CURLE_WRITE_ERROR. */
    WRITE_ERROR(23),
    /** A request body source failed. libcurl: CURLE_READ_ERROR. */
    READ_ERROR(26),
    /** A timeout expired; the message says which one. libcurl: CURLE_OPERATION_TIMEDOUT. */
    OPERATION_TIMEDOUT(28),
    /** The TLS handshake failed. libcurl: CURLE_SSL_CONNECT_ERROR. */
    SSL_CONNECT_ERROR(35),
    /** A callback aborted the transfer, or it was cancelled. libcurl: CURLE_ABORTED_BY_CALLBACK. */
    ABORTED_BY_CALLBACK(42),
    /** An option had a value out of range. libcurl: CURLE_BAD_FUNCTION_ARGUMENT. */
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
    /** Receiving the response failed, or its framing was broken. libcurl: CURLE_RECV_ERROR. */
    RECV_ERROR(56),
    /** The peer's certificate or name did not verify. libcurl: CURLE_PEER_FAILED_VERIFICATION. */
    PEER_FAILED_VERIFICATION(60),
    /** The content encoding could not be decoded. libcurl: CURLE_BAD_CONTENT_ENCODING. */
    BAD_CONTENT_ENCODING(61),
    /** The body is larger than allowed. libcurl: CURLE_FILESIZE_EXCEEDED. */
    FILESIZE_EXCEEDED(63),
    /**
     * The server reset this transfer's HTTP/2 stream, or the stream broke HTTP/2's rules; the
     * message carries the HTTP/2 error code. Other streams of the connection go on.
     * libcurl: CURLE_HTTP2_STREAM.
     */
    HTTP2_STREAM(92),
    /** Something in the response is larger than allowed (headers). libcurl: CURLE_TOO_LARGE. */
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
