package dev.multifetch.core.proxy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Proxy authentication for both ways a request meets an HTTP proxy: the CONNECT of a tunnel and
 * a plain-http request forwarded in absolute form. It builds {@code Proxy-Authorization} values
 * (Basic, RFC 7617; Digest, RFC 7616) and reads {@code Proxy-Authenticate} challenges (RFC 9110
 * section 11.7), quote-aware. Stateless; any thread. The values it returns carry credentials:
 * never log them or put them in a message.
 */
public final class ProxyAuth {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ProxyAuth() {
    }

    /**
     * The Basic credentials {@code Basic base64(user:password)}, UTF-8 encoded; a null password is
     * empty. libcurl: CURLAUTH_BASIC.
     */
    public static String basic(String user, String password) {
        String pair = Objects.requireNonNull(user, "user") + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The {@code Digest ...} value that answers the first Digest challenge among the
     * {@code Proxy-Authenticate} field values {@code proxyAuthenticateValues} that this class can
     * answer (algorithm MD5, MD5-sess, SHA-256, SHA-256-sess, SHA-512-256 or SHA-512-256-sess;
     * qop {@code auth}, or none as in RFC 2069), for {@code method} on {@code uri} (the
     * request target: {@code host:port} for CONNECT). The nonce count is 00000001, the opaque is
     * echoed, and {@code cnonce} gives the client nonce when one is used. A null password is
     * empty. Returns null when no challenge can be answered. libcurl: CURLAUTH_DIGEST.
     */
    public static String digest(List<String> proxyAuthenticateValues, String user, String password,
                                String method, String uri, Supplier<String> cnonce) {
        Objects.requireNonNull(user, "user");
        for (AuthChallenge c : AuthChallenge.parse(proxyAuthenticateValues)) {
            Optional<DigestAnswer> answer = DigestAnswer.to(c);
            if (answer.isPresent()) {
                return answer.get().header(user, password == null ? "" : password, method, uri, cnonce.get());
            }
        }
        return null;
    }

    /** Whether the challenges {@code proxyAuthenticateValues} include Basic. */
    public static boolean offersBasic(List<String> proxyAuthenticateValues) {
        return AuthChallenge.parse(proxyAuthenticateValues).stream().anyMatch(c -> c.is("Basic"));
    }

    /**
     * Whether a Digest challenge among {@code proxyAuthenticateValues} says {@code stale=true}:
     * the last answer had the right credentials and an expired nonce, so one more answer with
     * the new nonce is no second guess at the password.
     */
    public static boolean isStale(List<String> proxyAuthenticateValues) {
        return AuthChallenge.parse(proxyAuthenticateValues).stream()
                .anyMatch(c -> c.is("Digest") && c.param("stale", "false").equalsIgnoreCase("true"));
    }

    /** The scheme of each challenge in {@code proxyAuthenticateValues}, in order, as the proxy spelled it. */
    public static List<String> schemes(List<String> proxyAuthenticateValues) {
        List<String> out = new ArrayList<>();
        for (AuthChallenge c : AuthChallenge.parse(proxyAuthenticateValues)) {
            out.add(c.scheme());
        }
        return out;
    }

    /** A new client nonce for Digest: 16 random bytes from a {@link SecureRandom}, in hex. */
    public static String newCnonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
