package dev.multifetch.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ProxyConfig#parse}: curl's proxy URL, and messages and {@code toString()} that never show a password. */
class ProxyConfigTests {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', nullValues = "NULL", textBlock = """
        http://proxy.example:3128          ; HTTP    ; proxy.example ; 3128  ; NULL      ; NULL
        HTTP://Proxy.Example:3128          ; HTTP    ; proxy.example ; 3128  ; NULL      ; NULL
        http://proxy.example               ; HTTP    ; proxy.example ; 80    ; NULL      ; NULL
        https://proxy.example              ; HTTPS   ; proxy.example ; 443   ; NULL      ; NULL
        HttpS://proxy.example:8443         ; HTTPS   ; proxy.example ; 8443  ; NULL      ; NULL
        socks4://proxy.example             ; SOCKS4  ; proxy.example ; 1080  ; NULL      ; NULL
        SOCKS4A://proxy.example            ; SOCKS4A ; proxy.example ; 1080  ; NULL      ; NULL
        socks5://proxy.example:1081        ; SOCKS5  ; proxy.example ; 1081  ; NULL      ; NULL
        Socks5h://proxy.example            ; SOCKS5H ; proxy.example ; 1080  ; NULL      ; NULL
        proxy.example                      ; HTTP    ; proxy.example ; 80    ; NULL      ; NULL
        proxy.example:8080                 ; HTTP    ; proxy.example ; 8080  ; NULL      ; NULL
        proxy.example:8080/                ; HTTP    ; proxy.example ; 8080  ; NULL      ; NULL
        http://proxy.example/              ; HTTP    ; proxy.example ; 80    ; NULL      ; NULL
        http://proxy.example:              ; HTTP    ; proxy.example ; 80    ; NULL      ; NULL
        '  http://proxy.example:3128  '    ; HTTP    ; proxy.example ; 3128  ; NULL      ; NULL
        http://[::1]:3128                  ; HTTP    ; ::1           ; 3128  ; NULL      ; NULL
        [::1]:3128                         ; HTTP    ; ::1           ; 3128  ; NULL      ; NULL
        socks5h://[2001:DB8::7]            ; SOCKS5H ; 2001:db8::7   ; 1080  ; NULL      ; NULL
        https://[::ffff:10.0.0.1]:443/     ; HTTPS   ; ::ffff:10.0.0.1 ; 443 ; NULL      ; NULL
        http://10.0.0.1:65535              ; HTTP    ; 10.0.0.1      ; 65535 ; NULL      ; NULL
        http://proxy.example:1             ; HTTP    ; proxy.example ; 1     ; NULL      ; NULL
        http://user:secret@proxy.example   ; HTTP    ; proxy.example ; 80    ; user      ; secret
        http://user@proxy.example          ; HTTP    ; proxy.example ; 80    ; user      ; NULL
        http://user:@proxy.example         ; HTTP    ; proxy.example ; 80    ; user      ; ''
        socks5://me%40corp:p%3Ass@proxy.example ; SOCKS5 ; proxy.example ; 1080 ; me@corp ; p:ss
        http://user%3aname:pa%3ass@[::1]:8 ; HTTP    ; ::1           ; 8     ; user:name ; pa:ss
        http://u:p@ss@proxy.example        ; HTTP    ; proxy.example ; 80    ; u         ; p@ss
        http://u:caf%C3%A9@proxy.example   ; HTTP    ; proxy.example ; 80    ; u         ; café
        http://u:p%20w%2Fd@proxy.example   ; HTTP    ; proxy.example ; 80    ; u         ; p w/d
        http://u:😀@proxy.example          ; HTTP    ; proxy.example ; 80    ; u         ; 😀
        """)
    void parsesCurlProxyUrls(String url, ProxyType type, String host, int port, String user, String password) {
        ProxyConfig p = ProxyConfig.parse(url);

        assertThat(p.type()).isEqualTo(type);
        assertThat(p.host()).isEqualTo(host);
        assertThat(p.port()).isEqualTo(port);
        assertThat(p.username()).isEqualTo(user);
        assertThat(p.password()).isEqualTo(password);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
        ftp://proxy.example             ; scheme "ftp" is not supported
        socks6://proxy.example          ; scheme "socks6" is not supported
        http://                         ; no host
        http://:8080                    ; no host
        http://user:pw@:8080            ; no host
        http://proxy.example:0          ; port is not a number from 1 to 65535: 0
        http://proxy.example:65536      ; port is not a number from 1 to 65535: 65536
        http://proxy.example:12a        ; port is not a number from 1 to 65535: 12a
        http://proxy.example:-1         ; port is not a number from 1 to 65535: -1
        http://proxy.example:123456     ; port is not a number from 1 to 65535: 123456
        http://::1:3128                 ; IPv6 host without brackets
        http://fe80::1                  ; IPv6 host without brackets
        http://[::1:3128                ; without its closing ']'
        http://[::1]x                   ; text after the IPv6 host
        http://[proxy.example]:80       ; in brackets that is not an IPv6 address
        http://proxy.example/path       ; has a path (/path)
        http://proxy.example:80/a/b     ; has a path (/a/b)
        http://proxy.example?x=1        ; character not allowed in a host name
        http://proxy example            ; character not allowed in a host name
        http://u:p%zz@proxy.example     ; password has a bad percent escape
        http://u%4:p@proxy.example      ; user name has a bad percent escape
        http://u:p%@proxy.example       ; password has a bad percent escape
        http://u:p/q@proxy.example      ; has a '/', '?' or '#' before its '@'
        """)
    void rejectsWhatIsNotAProxyNamingWhatIsWrong(String url, String message) {
        assertThatThrownBy(() -> ProxyConfig.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("proxy URL")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
        http://user:s3cr3t@:8080
        http://user:s3cr3t@proxy.example/path
        http://user:s3cr3t@proxy.example:99999
        http://user:s3cr3t@proxy.example:12a
        http://user:s3cr3t@[::1
        http://user:s3cr3t@proxy example
        http://user:s3cr3t%zz@proxy.example
        http://user:s3/cr3t@proxy.example
        http://user:s3cr3t@
        user:s3cr3t://proxy.example@x/y
        ftp://user:s3cr3t@proxy.example
        """)
    void errorMessagesNeverShowThePassword(String url) {
        assertThatThrownBy(() -> ProxyConfig.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3").doesNotContain("cr3t"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
        http://user:s3cr3t@proxy.example:3128   ; ProxyConfig[http://user:****@proxy.example:3128]
        socks5h://me%40corp:s3cr3t@[::1]        ; ProxyConfig[socks5h://me@corp:****@[::1]:1080]
        https://user:s3cr3t%40x@proxy.example   ; ProxyConfig[https://user:****@proxy.example:443]
        socks4a://user@proxy.example            ; ProxyConfig[socks4a://user@proxy.example:1080]
        proxy.example                           ; ProxyConfig[http://proxy.example:80]
        """)
    void toStringMasksThePassword(String url, String expected) {
        ProxyConfig p = ProxyConfig.parse(url);

        assertThat(p.toString()).isEqualTo(expected).doesNotContain("s3cr3t");
        assertThat(p.display()).doesNotContain("s3cr3t").doesNotContain("user");
    }

    @Test
    void credentialsAddedLaterAreMaskedToo() {
        ProxyConfig p = ProxyConfig.of(ProxyType.HTTP, "proxy.example", 8080).withCredentials("u", "s3cr3t");

        assertThat(p.toString()).isEqualTo("ProxyConfig[http://u:****@proxy.example:8080]");
        assertThat(p.password()).isEqualTo("s3cr3t");
    }

    @Test
    void anEmptyUrlIsNone() {
        assertThat(ProxyConfig.parse("")).isSameAs(ProxyConfig.NONE);
        assertThat(ProxyConfig.parse("   ")).isSameAs(ProxyConfig.NONE);
        assertThat(ProxyConfig.NONE.isNone()).isTrue();
        assertThat(ProxyConfig.NONE.toString()).isEqualTo("ProxyConfig[none]");
    }

    @Test
    void configsWithOtherCredentialsAreNotEqual() {
        ProxyConfig a = ProxyConfig.parse("http://u:one@proxy.example");
        ProxyConfig b = ProxyConfig.parse("http://u:two@proxy.example");

        assertThat(a).isNotEqualTo(b);
        assertThat(a).isEqualTo(ProxyConfig.parse("HTTP://u:one@PROXY.example:80/"));
    }
}
