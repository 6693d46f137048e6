package dev.multifetch.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyAuthTests {

    @Test
    void basicEncodesUserColonPasswordAsUtf8() {
        assertThat(ProxyAuth.basic("Aladdin", "open sesame")).isEqualTo("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assertThat(ProxyAuth.basic("test", "123\u00a3")).isEqualTo("Basic dGVzdDoxMjPCow==");
        assertThat(ProxyAuth.basic("user", null)).isEqualTo("Basic dXNlcjo=");
    }

    @Test
    void challengesSplitOnCommasOutsideQuotedStrings() {
        List<AuthChallenge> challenges = AuthChallenge.parse(List.of(
                "Basic realm=\"a, b\", Digest realm=\"x\\\"y\", nonce=abc, qop=\"auth,auth-int\"",
                "Negotiate YII=, NTLM"));
        assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("Basic", "Digest", "Negotiate", "NTLM");
        assertThat(challenges.get(0).params()).isEqualTo(Map.of("realm", "a, b"));
        assertThat(challenges.get(1).params())
                .isEqualTo(Map.of("realm", "x\"y", "nonce", "abc", "qop", "auth,auth-int"));
        assertThat(challenges.get(2).params()).isEmpty();
    }

    @Test
    void parameterNamesAreCaseInsensitiveAndTheFirstOfTwinsCounts() {
        AuthChallenge c = AuthChallenge.parse(List.of("digest REALM = \"r\" , Nonce=\"n1\", nonce=\"n2\"")).get(0);
        assertThat(c.is("Digest")).isTrue();
        assertThat(c.params()).isEqualTo(Map.of("realm", "r", "nonce", "n1"));
    }

    @Test
    void garbageEndsParsingButKeepsWhatCameBefore() {
        assertThat(AuthChallenge.parse(List.of("Basic realm=\"r\", (junk) Digest nonce=\"n\"")))
                .extracting(AuthChallenge::scheme).containsExactly("Basic");
        assertThat(AuthChallenge.parse(List.of("", "  ,  "))).isEmpty();
        assertThat(AuthChallenge.parse(List.of("Digest realm=\"never closed"))).singleElement()
                .satisfies(c -> assertThat(c.params()).containsEntry("realm", "never closed"));
    }

    @Test
    void offersBasicAndSchemesReadEveryValue() {
        List<String> values = List.of("NTLM", "basic realm=\"x\"");
        assertThat(ProxyAuth.offersBasic(values)).isTrue();
        assertThat(ProxyAuth.offersBasic(List.of("Digest realm=\"Basic\", nonce=\"n\""))).isFalse();
        assertThat(ProxyAuth.schemes(values)).containsExactly("NTLM", "basic");
    }

    @Test
    void staleIsReadFromDigestChallengesOnly() {
        assertThat(ProxyAuth.isStale(List.of("Digest realm=\"r\", nonce=\"n\", stale=TRUE"))).isTrue();
        assertThat(ProxyAuth.isStale(List.of("Digest realm=\"r\", nonce=\"n\", stale=\"true\""))).isTrue();
        assertThat(ProxyAuth.isStale(List.of("Digest realm=\"r\", nonce=\"n\", stale=false"))).isFalse();
        assertThat(ProxyAuth.isStale(List.of("Basic stale=true"))).isFalse();
    }

    @Test
    void cnoncesAreFreshHex() {
        String a = ProxyAuth.newCnonce();
        assertThat(a).matches("[0-9a-f]{32}").isNotEqualTo(ProxyAuth.newCnonce());
    }
}
