package dev.multifetch.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ProxyAuth#digest} against the worked examples of RFC 7616 and RFC 2617, with their fixed cnonces. */
class DigestTests {

    private static final String RFC7616_NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String RFC7616_OPAQUE = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
    private static final String RFC7616_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    private static final String RFC7616_SHA256 = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
            + "algorithm=SHA-256, nonce=\"" + RFC7616_NONCE + "\", opaque=\"" + RFC7616_OPAQUE + "\"";
    private static final String RFC7616_MD5 = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
            + "algorithm=MD5, nonce=\"" + RFC7616_NONCE + "\", opaque=\"" + RFC7616_OPAQUE + "\"";
    private static final String RFC2617 = "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
            + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

    @Test
    void rfc7616ExampleTakesTheFirstChallengeSha256() {
        String answer = rfc7616(List.of(RFC7616_SHA256, RFC7616_MD5));
        assertThat(answer).isEqualTo("Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", "
                + "algorithm=SHA-256, nonce=\"" + RFC7616_NONCE + "\", nc=00000001, cnonce=\"" + RFC7616_CNONCE
                + "\", qop=auth, response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
                + "opaque=\"" + RFC7616_OPAQUE + "\"");
    }

    @Test
    void rfc7616ExampleWithMd5() {
        assertThat(rfc7616(List.of(RFC7616_MD5))).contains("algorithm=MD5,", "response=\"8ca523f5e9506fed4657c9700eebdbec\"");
    }

    @Test
    void sha512256AndItsSessionVariant() {
        assertThat(rfc7616(List.of(RFC7616_MD5.replace("MD5", "SHA-512-256"))))
                .contains("response=\"430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0\"");
        assertThat(rfc7616(List.of(RFC7616_MD5.replace("MD5", "sha-512-256-SESS"))))
                .contains("algorithm=sha-512-256-SESS,", "response=\"3f2a34f923c38b0fb26dce2fdfc2ce326c23cecf86fbb1444f3e51fbbc2cb92e\"");
    }

    @Test
    void rfc7616ChallengesInOneFieldValueAreSplitOutsideQuotes() {
        assertThat(rfc7616(List.of(RFC7616_SHA256 + ", " + RFC7616_MD5))).contains("algorithm=SHA-256,");
    }

    @Test
    void rfc2617Example() {
        assertThat(rfc2617(RFC2617)).isEqualTo("Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                + "uri=\"/dir/index.html\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", nc=00000001, "
                + "cnonce=\"0a4f113b\", qop=auth, response=\"6629fae49393a05397450978507c4ef1\", "
                + "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    }

    @Test
    void rfc2069StyleWithoutQopUsesNoCnonce() {
        String answer = rfc2617("Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"");
        assertThat(answer).contains("response=\"670fd8c2df070c60b045671b8b24ff02\"").doesNotContain("cnonce", "nc=", "qop");
    }

    @Test
    void md5SessHashesTheNonceAndCnonceIntoHa1() {
        String answer = rfc2617(RFC2617.replace("Digest ", "Digest algorithm=MD5-sess, "));
        assertThat(answer).contains("algorithm=MD5-sess,", "response=\"8e3825c57e897f5a0dec6c2d4e5059d0\"");
    }

    @Test
    void userhashSendsTheHashedUserName() {
        String answer = rfc7616(List.of(RFC7616_SHA256 + ", userhash=true"));
        assertThat(answer)
                .contains("username=\"a947aad205e80e429958a387394944c6b496301e79f89d35a4cc23b6ee12b5b6\"", "userhash=true")
                .doesNotContain("Mufasa");
    }

    @Test
    void aUserNameBeyondAsciiGoesAsAnExtendedValue() {
        String answer = ProxyAuth.digest(List.of(RFC2617), "J\u00e4s\u00f8n Doe", "pw", "GET", "/", () -> "c");
        assertThat(answer).startsWith("Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, ");
    }

    @Test
    void challengesItCannotAnswerGiveNull() {
        assertThat(rfc2617("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"")).isNull();
        assertThat(rfc2617("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1")).isNull();
        assertThat(rfc2617("Digest realm=\"r\"")).isNull();
        assertThat(rfc2617("Basic realm=\"r\"")).isNull();
    }

    @Test
    void theFirstAnswerableChallengeWins() {
        String answer = rfc2617("Digest realm=\"r\", nonce=\"n\", algorithm=UNKNOWN, " + RFC2617);
        assertThat(answer).contains("response=\"6629fae49393a05397450978507c4ef1\"");
    }

    private static String rfc7616(List<String> challenges) {
        return ProxyAuth.digest(challenges, "Mufasa", "Circle of Life", "GET", "/dir/index.html", () -> RFC7616_CNONCE);
    }

    private static String rfc2617(String challenge) {
        return ProxyAuth.digest(List.of(challenge), "Mufasa", "Circle Of Life", "GET", "/dir/index.html", () -> "0a4f113b");
    }
}
