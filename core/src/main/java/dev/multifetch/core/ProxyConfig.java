package dev.multifetch.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * One proxy: its type, host, port and credentials, parsed from a URL the way curl reads
 * {@code CURLOPT_PROXY}: {@code [scheme://][user[:password]@]host[:port][/]}. The scheme is
 * matched in any case ({@code http} when absent); the port defaults to 80, 443 or 1080 by
 * scheme; an IPv6 host goes in brackets; user and password are percent-decoded. The password
 * never appears in {@link #toString()} or in any message. Two configs are equal when type,
 * host, port and credentials are: connections made through one never serve the other.
 * libcurl: {@code CURLOPT_PROXY}, {@code CURLOPT_PROXYUSERNAME}, {@code CURLOPT_PROXYPASSWORD}.
 */
public final class ProxyConfig {

    /** "No proxy": a request's {@code proxy("")}, as curl's empty {@code CURLOPT_PROXY}. */
    public static final ProxyConfig NONE = new ProxyConfig(null, "", 0, null, null);

    private final ProxyType type;
    private final String host;
    private final int port;
    private final String username;
    private final String password;

    private ProxyConfig(ProxyType type, String host, int port, String username, String password) {
        this.type = type;
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /** A proxy of {@code type} at {@code host}:{@code port}, without credentials. */
    public static ProxyConfig of(ProxyType type, String host, int port) {
        Objects.requireNonNull(type, "type");
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("proxy host is empty");
        }
        Checks.port(port);
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new ProxyConfig(type, h.toLowerCase(Locale.ROOT), port, null, null);
    }

    /**
     * Parses a proxy URL; {@code ""} is {@link #NONE}. A URL the engine cannot use is an
     * {@link IllegalArgumentException} that names what is wrong, never the password.
     */
    public static ProxyConfig parse(String url) {
        Objects.requireNonNull(url, "proxy URL");
        String s = url.strip();
        if (s.isEmpty()) {
            return NONE;
        }
        ProxyType type = ProxyType.HTTP;
        String schemeText = "";
        int schemeEnd = s.indexOf("://");
        if (schemeEnd > 0 && isScheme(s.substring(0, schemeEnd))) {
            schemeText = s.substring(0, schemeEnd + 3);
            type = ProxyType.ofScheme(s.substring(0, schemeEnd));
            if (type == null) {
                throw new IllegalArgumentException("proxy URL scheme \"" + safe(s.substring(0, schemeEnd))
                        + "\" is not supported (http, https, socks4, socks4a, socks5, socks5h)");
            }
            s = s.substring(schemeEnd + 3);
        }
        String username = null;
        String password = null;
        // the last '@' ends the user info, so no part of a password is ever taken for the host or a path
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            String userinfo = s.substring(0, at);
            if (userinfo.chars().anyMatch(c -> c == '/' || c == '?' || c == '#')) {
                throw new IllegalArgumentException("proxy URL has a '/', '?' or '#' before its '@':"
                        + " percent-encode it in the user name or password");
            }
            int colon = userinfo.indexOf(':');
            username = decode(colon >= 0 ? userinfo.substring(0, colon) : userinfo, "user name");
            password = colon >= 0 ? decode(userinfo.substring(colon + 1), "password") : null;
            s = s.substring(at + 1);
        }
        String[] hostAndPort = hostAndPort(withoutSlash(s));
        String host = hostAndPort[0];
        if (host.isEmpty()) {
            throw new IllegalArgumentException("proxy URL has no host: " + safe(schemeText + (at >= 0 ? "****@" : "") + s));
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= ' ' || c >= 0x7f || "/?#@\\\"<>".indexOf(c) >= 0) {
                throw new IllegalArgumentException("proxy URL host has a character not allowed in a host name: " + safe(host));
            }
        }
        String portText = hostAndPort[1];
        int port = portText == null || portText.isEmpty() ? type.defaultPort() : parsePort(portText);
        return new ProxyConfig(type, host.toLowerCase(Locale.ROOT), port, username, password);
    }

    /** {@code hostPort} without its one trailing '/'; any other path is an error. */
    private static String withoutSlash(String hostPort) {
        int slash = hostPort.indexOf('/');
        if (slash < 0) {
            return hostPort;
        }
        String rest = hostPort.substring(slash);
        if (!rest.equals("/")) {
            throw new IllegalArgumentException("proxy URL has a path (" + safe(rest) + "); a proxy is host and port only");
        }
        return hostPort.substring(0, slash);
    }

    /** The host (an IPv6 address without its brackets) and the port text, or null when there is none. */
    private static String[] hostAndPort(String s) {
        if (!s.startsWith("[")) {
            int colon = s.lastIndexOf(':');
            String host = colon >= 0 ? s.substring(0, colon) : s;
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("proxy URL has an IPv6 host without brackets: " + safe(s));
            }
            return new String[] {host, colon >= 0 ? s.substring(colon + 1) : null};
        }
        int close = s.indexOf(']');
        if (close < 0) {
            throw new IllegalArgumentException("proxy URL has an IPv6 host without its closing ']': " + safe(s));
        }
        String host = s.substring(1, close);
        if (host.indexOf(':') < 0 || !host.chars().allMatch(c -> c < 0x80 && Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw new IllegalArgumentException("proxy URL has a host in brackets that is not an IPv6 address: " + safe(host));
        }
        String after = s.substring(close + 1);
        if (!after.isEmpty() && !after.startsWith(":")) {
            throw new IllegalArgumentException("proxy URL has text after the IPv6 host: " + safe(after));
        }
        return new String[] {host, after.isEmpty() ? null : after.substring(1)};
    }

    /** Whether {@code s} has the form of a URL scheme (RFC 3986: a letter, then letters, digits, '+', '-', '.'). */
    private static boolean isScheme(String s) {
        if (!Character.isLetter(s.charAt(0)) || s.charAt(0) >= 0x80) {
            return false;
        }
        return s.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.'));
    }

    private static int parsePort(String text) {
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("proxy URL port is not a number from 1 to 65535: " + safe(text));
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy URL port is not a number from 1 to 65535: " + port);
        }
        return port;
    }

    /** Percent-decodes user info as UTF-8; a bad escape names the part, never its text. */
    private static String decode(String s, String part) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("proxy URL " + part + " has a bad percent escape");
                }
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                // a whole code point, so a character outside the BMP is not split into two '?'
                int end = i + Character.charCount(s.codePointAt(i));
                byte[] b = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i = end - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What may be shown of user input in a message: at most 100 characters, control characters escaped. */
    private static String safe(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(c < ' ' || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    /** This proxy with {@code username} and {@code password} (either may be null) in place of its own. */
    public ProxyConfig withCredentials(String username, String password) {
        if (this == NONE) {
            throw new IllegalStateException("NONE has no credentials");
        }
        return new ProxyConfig(type, host, port, username, password);
    }

    /** Whether this is {@link #NONE}. */
    public boolean isNone() {
        return type == null;
    }

    /** The proxy's type; null for {@link #NONE}. */
    public ProxyType type() {
        return type;
    }

    /** The host, lower case, an IPv6 address without brackets. */
    public String host() {
        return host;
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** The user name, or null. */
    public String username() {
        return username;
    }

    /** The password, or null. Never logged: {@link #toString()} shows {@code ****}. */
    public String password() {
        return password;
    }

    /** Whether a user name is set. */
    public boolean hasCredentials() {
        return username != null;
    }

    /** {@code scheme://host:port}, without credentials: how messages and responses name the proxy. */
    public String display() {
        if (type == null) {
            return "none";
        }
        return type.scheme() + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProxyConfig p && type == p.type && host.equals(p.host) && port == p.port
                && Objects.equals(username, p.username) && Objects.equals(password, p.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, host, port, username, password);
    }

    /** The proxy with its user name, the password masked. */
    @Override
    public String toString() {
        if (type == null) {
            return "ProxyConfig[none]";
        }
        String user = username == null ? "" : username + (password == null ? "" : ":****") + "@";
        return "ProxyConfig[" + type.scheme() + "://" + user + display().substring(type.scheme().length() + 3) + "]";
    }
}
