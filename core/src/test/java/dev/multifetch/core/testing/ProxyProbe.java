package dev.multifetch.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A client for the proxy fixtures' smoke tests, on the JDK's blocking sockets only, so that they
 * check the proxies and not the engine: HTTP requests and CONNECT to an HTTP proxy, and SOCKS4,
 * SOCKS4a and SOCKS5 handshakes written byte by byte, then HTTP through the tunnel. A response
 * head is read one byte at a time, so no byte after it is taken from the tunnel.
 */
final class ProxyProbe implements AutoCloseable {

    /** SOCKS5 method "no authentication required" (RFC 1928). */
    static final int NO_AUTH = 0x00;
    /** SOCKS5 method "username/password" (RFC 1929). */
    static final int USER_PASSWORD = 0x02;
    /** SOCKS5 method byte meaning "no acceptable method". */
    static final int NO_ACCEPTABLE_METHOD = 0xFF;
    /** SOCKS4 reply code: request granted. */
    static final int SOCKS4_GRANTED = 90;
    /** SOCKS4 reply code: request rejected or failed. */
    static final int SOCKS4_REJECTED = 91;

    private static final int TIMEOUT_MS = 5_000;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private ProxyProbe(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(TIMEOUT_MS);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A connection to {@code 127.0.0.1:port}. */
    static ProxyProbe connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        return new ProxyProbe(socket);
    }

    /** A TLS connection to {@code 127.0.0.1:port}, its certificate checked against {@code context} and the IP address. */
    static ProxyProbe connectTls(int port, SSLContext context) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        ProxyProbe probe = new ProxyProbe(socket);
        socket.startHandshake();
        return probe;
    }

    /** {@code GET http://127.0.0.1:<port><path>} in absolute form, as to a forwarding proxy, with {@code headers}. */
    Response forward(ScriptedServer origin, String path, String... headers) throws IOException {
        return send("GET " + origin.url(path) + " HTTP/1.1", withHost(origin, headers));
    }

    /** {@code CONNECT 127.0.0.1:<port>} to {@code origin}, with {@code headers}. */
    Response connectTo(ScriptedServer origin, String... headers) throws IOException {
        return send("CONNECT " + authority(origin) + " HTTP/1.1", withHost(origin, headers));
    }

    /** {@code GET <path>} in origin form, as through a tunnel to {@code origin}. */
    Response get(ScriptedServer origin, String path) throws IOException {
        return send("GET " + path + " HTTP/1.1", withHost(origin));
    }

    /**
     * Sends {@code requestLine} and {@code headers}, then an empty line, and reads the response:
     * no body after a 2xx to CONNECT, else {@code Content-Length} bytes, else everything until the
     * proxy closes.
     */
    Response send(String requestLine, String... headers) throws IOException {
        StringBuilder head = new StringBuilder(requestLine).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        List<String> lines = readHead();
        Response response = new Response(lines.get(0), lines.subList(1, lines.size()), "");
        boolean tunnel = requestLine.startsWith("CONNECT ") && response.status() / 100 == 2;
        return tunnel ? response : new Response(response.statusLine(), response.headers(), readBody(response));
    }

    /** SOCKS5 greeting offering {@code methods}; returns the method the proxy chose. */
    int socks5Greeting(int... methods) throws IOException {
        ByteArrayOutputStream greeting = new ByteArrayOutputStream();
        greeting.write(5);
        greeting.write(methods.length);
        for (int method : methods) {
            greeting.write(method);
        }
        write(greeting.toByteArray());
        expect(5, "SOCKS5 version");
        return readByte();
    }

    /** RFC 1929 username/password subnegotiation; returns the status (0 = success). */
    int socks5Login(String user, String password) throws IOException {
        ByteArrayOutputStream login = new ByteArrayOutputStream();
        login.write(1);
        writeShortString(login, user);
        writeShortString(login, password);
        write(login.toByteArray());
        expect(1, "RFC 1929 version");
        return readByte();
    }

    /**
     * SOCKS5 CONNECT to {@code host}: an IPv4 literal as ATYP 1 (socks5), or {@code asName} as
     * ATYP 3, a name for the proxy to resolve (socks5h); returns the reply code (0 = succeeded).
     */
    int socks5Connect(String host, int port, boolean asName) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(new byte[] {5, 1, 0});
        if (asName) {
            request.write(3);
            writeShortString(request, host);
        } else {
            request.write(1);
            request.writeBytes(ipv4(host));
        }
        request.write(port >> 8);
        request.write(port);
        write(request.toByteArray());
        expect(5, "SOCKS5 version");
        int reply = readByte();
        readByte();
        int addressLength = switch (readByte()) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> readByte();
            default -> throw new IOException("SOCKS5 reply with an unknown address type");
        };
        readFully(addressLength + 2);
        return reply;
    }

    /**
     * SOCKS4 CONNECT to an IPv4 literal, or SOCKS4a (the address 0.0.0.1 followed by the name)
     * to any other host; returns the reply code ({@link #SOCKS4_GRANTED} = 90).
     */
    int socks4Connect(String host, int port) throws IOException {
        boolean literal = IPV4.matcher(host).matches();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(new byte[] {4, 1, (byte) (port >> 8), (byte) port});
        request.writeBytes(literal ? ipv4(host) : new byte[] {0, 0, 0, 1});
        request.write(0);
        if (!literal) {
            request.writeBytes(host.getBytes(StandardCharsets.US_ASCII));
            request.write(0);
        }
        write(request.toByteArray());
        expect(0, "SOCKS4 reply version");
        int code = readByte();
        readFully(6);
        return code;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** {@code Proxy-Authorization: Basic …} for {@code user} and {@code password}. */
    static String basic(String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return "Proxy-Authorization: Basic " + token;
    }

    /**
     * {@code Proxy-Authorization: Digest …} answering {@code challenge} (a {@code Proxy-Authenticate:
     * Digest} value) for {@code method} and {@code uri}, MD5 with {@code qop=auth} when offered (RFC 7616).
     */
    static String digest(String challenge, String method, String uri, String user, String password) {
        String realm = parameter(challenge, "realm").orElseThrow();
        String nonce = parameter(challenge, "nonce").orElseThrow();
        String ha1 = md5(user + ":" + realm + ":" + password);
        String ha2 = md5(method + ":" + uri);
        String cnonce = "0a4f113b";
        String nc = "00000001";
        boolean qop = parameter(challenge, "qop").filter(q -> q.contains("auth")).isPresent();
        String response = qop ? md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2) : md5(ha1 + ":" + nonce + ":" + ha2);
        String value = "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\"" + (qop ? ", qop=auth, nc=" + nc + ", cnonce=\"" + cnonce + "\"" : "");
        return "Proxy-Authorization: " + parameter(challenge, "opaque").map(o -> value + ", opaque=\"" + o + "\"").orElse(value);
    }

    /** {@code 127.0.0.1:<port>}, the authority of {@code origin}. */
    static String authority(ScriptedServer origin) {
        return "127.0.0.1:" + origin.port();
    }

    /** One response: its status line, header lines and body (ISO-8859-1). */
    record Response(String statusLine, List<String> headers, String body) {

        /** The status code. */
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        /** The values of every header called {@code name} (any case), in order. */
        List<String> headers(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).toList();
        }

        /** The value of the first header called {@code name}. */
        Optional<String> header(String name) {
            return headers(name).stream().findFirst();
        }
    }

    private static String[] withHost(ScriptedServer origin, String... headers) {
        String[] all = new String[headers.length + 1];
        all[0] = "Host: " + authority(origin);
        System.arraycopy(headers, 0, all, 1, headers.length);
        return all;
    }

    private List<String> readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!endsWithEmptyLine(head)) {
            head.write(readByte());
        }
        return head.toString(StandardCharsets.ISO_8859_1).lines().filter(line -> !line.isEmpty()).toList();
    }

    private static boolean endsWithEmptyLine(ByteArrayOutputStream head) {
        byte[] b = head.toByteArray();
        int n = b.length;
        return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }

    private String readBody(Response response) throws IOException {
        if (response.header("Transfer-Encoding").isPresent()) {
            throw new IOException("the probe reads no chunked body: " + response.headers());
        }
        Optional<String> length = response.header("Content-Length");
        byte[] body = length.isPresent() ? readFully(Integer.parseInt(length.get())) : in.readAllBytes();
        return new String(body, StandardCharsets.ISO_8859_1);
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void expect(int value, String what) throws IOException {
        int actual = readByte();
        if (actual != value) {
            throw new IOException(what + ": expected " + value + " but was " + actual);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the proxy closed the connection");
        }
        return b;
    }

    private byte[] readFully(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("the proxy closed the connection after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    private static void writeShortString(ByteArrayOutputStream to, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        to.write(bytes.length);
        to.writeBytes(bytes);
    }

    private static byte[] ipv4(String literal) {
        String[] parts = literal.split("\\.");
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            address[i] = (byte) Integer.parseInt(parts[i]);
        }
        return address;
    }

    private static Optional<String> parameter(String challenge, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=(?:\"([^\"]*)\"|([^,\\s]+))").matcher(challenge);
        return m.find() ? Optional.of(m.group(1) != null ? m.group(1) : m.group(2)) : Optional.empty();
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
