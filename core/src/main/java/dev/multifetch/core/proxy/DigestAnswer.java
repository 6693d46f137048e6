package dev.multifetch.core.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The answer to one Digest challenge (RFC 7616, and RFC 2069 when the challenge names no qop):
 * algorithms MD5, SHA-256 and SHA-512-256, each also as {@code -sess}; qop {@code auth} only;
 * {@code nc} is always {@code 00000001}, as each answer goes with its own new cnonce.
 * curl: vauth/digest.c auth_create_digest_http_message().
 *
 * @param challenge     the challenge answered
 * @param javaAlgorithm the JDK's name of its hash
 * @param session       whether the algorithm is a {@code -sess} one
 * @param qopAuth       whether the challenge offers qop {@code auth} (else it names no qop)
 */
record DigestAnswer(AuthChallenge challenge, String javaAlgorithm, boolean session, boolean qopAuth) {

    private static final Map<String, String> ALGORITHMS = Map.of(
            "MD5", "MD5", "SHA-256", "SHA-256", "SHA-512-256", "SHA-512/256");
    private static final String NC = "00000001";

    /**
     * The answer to {@code challenge}, or empty when it is not Digest or cannot be answered: no
     * nonce, an unknown algorithm, or a qop list without {@code auth}.
     */
    static Optional<DigestAnswer> to(AuthChallenge challenge) {
        if (!challenge.is("Digest") || !challenge.params().containsKey("nonce")) {
            return Optional.empty();
        }
        String algorithm = challenge.param("algorithm", "MD5").toUpperCase(Locale.ROOT);
        boolean session = algorithm.endsWith("-SESS");
        String java = ALGORITHMS.get(session ? algorithm.substring(0, algorithm.length() - 5) : algorithm);
        String qop = challenge.params().get("qop");
        boolean auth = qop != null && Arrays.stream(qop.split(",")).anyMatch(q -> q.strip().equalsIgnoreCase("auth"));
        if (java == null || (qop != null && !auth)) {
            return Optional.empty();
        }
        return Optional.of(new DigestAnswer(challenge, java, session, auth));
    }

    /** The {@code Digest ...} header value for {@code method} on {@code uri}, with {@code cnonce}. */
    String header(String user, String password, String method, String uri, String cnonce) {
        String realm = challenge.param("realm", "");
        String nonce = challenge.param("nonce", "");
        boolean userhash = challenge.param("userhash", "false").equalsIgnoreCase("true");
        String ha1 = hash(user + ":" + realm + ":" + password);
        if (session) {
            ha1 = hash(ha1 + ":" + nonce + ":" + cnonce);
        }
        String ha2 = hash(method + ":" + uri);
        String response = qopAuth
                ? hash(ha1 + ":" + nonce + ":" + NC + ":" + cnonce + ":auth:" + ha2)
                : hash(ha1 + ":" + nonce + ":" + ha2);
        StringBuilder b = new StringBuilder("Digest ");
        if (userhash) {
            b.append("username=").append(quoted(hash(user + ":" + realm)));
        } else if (user.chars().allMatch(c -> c >= ' ' && c < 0x7f)) {
            b.append("username=").append(quoted(user));
        } else {
            b.append("username*=UTF-8''").append(percentEncoded(user));
        }
        b.append(", realm=").append(quoted(realm))
                .append(", uri=").append(quoted(uri));
        if (challenge.params().containsKey("algorithm")) {
            b.append(", algorithm=").append(challenge.param("algorithm", ""));
        }
        b.append(", nonce=").append(quoted(nonce));
        if (qopAuth) {
            b.append(", nc=").append(NC).append(", cnonce=").append(quoted(cnonce)).append(", qop=auth");
        } else if (session) {
            b.append(", cnonce=").append(quoted(cnonce));
        }
        b.append(", response=").append(quoted(response));
        if (challenge.params().containsKey("opaque")) {
            b.append(", opaque=").append(quoted(challenge.param("opaque", "")));
        }
        if (userhash) {
            b.append(", userhash=true");
        }
        return b.toString();
    }

    private String hash(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance(javaAlgorithm);
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + javaAlgorithm, e);
        }
    }

    /** A quoted-string; a control character (none can come from a checked header line) becomes a space. */
    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c < ' ' || c == 0x7f ? ' ' : c);
        }
        return b.append('"').toString();
    }

    /** RFC 8187 ext-value encoding of {@code s} as UTF-8: attr-chars stay, the rest is %XX. */
    private static String percentEncoded(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }
}
