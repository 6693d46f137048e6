package dev.multifetch.core;

/**
 * What went wrong in a proxy handshake: the detail of a {@link ProxyException}, named after
 * curl's {@code CURLPX_*} codes where curl has one. libcurl: {@code CURLINFO_PROXY_ERROR}.
 */
public enum ProxyError {

    /** The proxy closed the connection during the handshake. */
    CLOSED,
    /** The proxy's reply was not what the protocol allows (bad version, bad length, malformed line). */
    BAD_VERSION,
    /** The SOCKS reply named an address type that does not exist. */
    BAD_ADDRESS_TYPE,
    /** A socks5h host name longer than 255 bytes (never sent; CVE-2023-38545). */
    LONG_HOSTNAME,
    /** A SOCKS5 user name longer than 255 bytes. */
    LONG_USER,
    /** A SOCKS5 password longer than 255 bytes. */
    LONG_PASSWD,
    /** The SOCKS5 proxy accepts none of the authentication methods offered. */
    NO_AUTH,
    /** The SOCKS5 proxy refused the user name and password. */
    USER_REJECTED,
    /** A SOCKS4 target that is not an IPv4 address. */
    RESOLVE_HOST,
    /** SOCKS4 reply 91: request rejected or failed. */
    REQUEST_FAILED,
    /** SOCKS4 reply 92: the proxy could not reach the client's identd. */
    IDENTD,
    /** SOCKS4 reply 93: identd reported another user. */
    IDENTD_DIFFER,
    /** SOCKS5 reply 1: general SOCKS server failure. */
    REPLY_GENERAL_SERVER_FAILURE,
    /** SOCKS5 reply 2: connection not allowed by ruleset. */
    REPLY_NOT_ALLOWED,
    /** SOCKS5 reply 3: network unreachable. */
    REPLY_NETWORK_UNREACHABLE,
    /** SOCKS5 reply 4: host unreachable. */
    REPLY_HOST_UNREACHABLE,
    /** SOCKS5 reply 5: connection refused. */
    REPLY_CONNECTION_REFUSED,
    /** SOCKS5 reply 6: TTL expired. */
    REPLY_TTL_EXPIRED,
    /** SOCKS5 reply 7: command not supported. */
    REPLY_COMMAND_NOT_SUPPORTED,
    /** SOCKS5 reply 8: address type not supported. */
    REPLY_ADDRESS_TYPE_NOT_SUPPORTED,
    /** A SOCKS reply code no standard assigns. */
    REPLY_UNASSIGNED,
    /** The proxy answered CONNECT with a status other than 2xx (see {@link ProxyException#connectCode()}). */
    CONNECT_REJECTED,
    /** The proxy asked for credentials (407) and those given, if any, were refused. */
    AUTH_FAILED,
    /** Bytes arrived after the CONNECT 2xx before the engine sent anything through the tunnel: an attack. */
    DATA_AFTER_CONNECT,
    /** A CONNECT response head too large, or a header line with NUL or a stray CR. */
    BAD_RESPONSE,
    /** The proxy could not be chosen (a ProxySelector threw) or its settings cannot serve this request. */
    CONFIGURATION
}
