package dev.multifetch.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JDK's {@code http.nonProxyHosts} rules, checked against what JDK 17's DefaultProxySelector does. */
class NonProxyHostsTests {

    @ParameterizedTest(name = "{1} in \"{0}\" -> {2}")
    @CsvSource(delimiter = ';', nullValues = "ABSENT", textBlock = """
        # absent: the JDK's default list
        ABSENT                  ; localhost            ; true
        ABSENT                  ; LocalHost            ; true
        ABSENT                  ; 127.0.0.1            ; true
        ABSENT                  ; 127.5.6.7            ; true
        ABSENT                  ; ::1                  ; true
        ABSENT                  ; [::1]                ; true
        ABSENT                  ; 0.0.0.0              ; true
        ABSENT                  ; [::0]                ; true
        ABSENT                  ; example.com          ; false
        ABSENT                  ; 128.0.0.1            ; false
        ABSENT                  ; localhost.example    ; false
        # empty: nothing
        ''                      ; localhost            ; false
        '|'                     ; localhost            ; false
        # exact, any case, no trimming
        example.com             ; example.com          ; true
        Example.COM             ; eXample.com          ; true
        example.com             ; www.example.com      ; false
        ' example.com'          ; example.com          ; false
        # a star at the start, the end, or both
        *.example.com           ; www.example.com      ; true
        *.example.com           ; a.b.example.com      ; true
        *.example.com           ; example.com          ; false
        *example.com            ; example.com          ; true
        *example.com            ; badexample.com       ; true
        192.168.*               ; 192.168.10.20        ; true
        192.168.*               ; 192.169.0.1          ; false
        *internal*              ; my.internal.host     ; true
        *internal*              ; internal             ; true
        *internal*              ; intern.al            ; false
        *                       ; anything.at.all      ; true
        **                      ; anything.at.all      ; true
        # a star in the middle is a plain character, as in the JDK
        a*b                     ; axxb                 ; false
        a*b                     ; a*b                  ; true
        # several patterns; empty ones skipped
        foo.com|bar.com         ; bar.com              ; true
        foo.com||bar.com        ; bar.com              ; true
        foo.com|bar.com         ; baz.com              ; false
        |foo.com|               ; foo.com              ; true
        # IPv6 with or without brackets, on either side
        [::1]                   ; ::1                  ; true
        ::1                     ; [::1]                ; true
        [fe80::1]               ; [FE80::1]            ; true
        fe80::*                 ; fe80::abcd           ; true
        [fe80::*                ; [fe80::abcd]         ; true
        [::1]                   ; 0:0:0:0:0:0:0:1      ; false
        # names are never resolved: text only
        127.*                   ; localhost            ; false
        localhost               ; 127.0.0.1            ; false
        """)
    void jdkRules(String list, String host, boolean expected) {
        assertThat(NonProxyHosts.parse(list).matches(host)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "property \"{0}\": {1} -> {2}")
    @CsvSource(delimiter = ';', nullValues = "ABSENT", textBlock = """
        ABSENT                  ; localhost            ; true
        ABSENT                  ; example.com          ; false
        ''                      ; localhost            ; false
        ''                      ; 127.0.0.1            ; false
        example.com             ; example.com          ; true
        example.com             ; localhost            ; true
        example.com             ; 127.0.0.1            ; true
        example.com             ; ::1                  ; true
        example.com             ; other.com            ; false
        """)
    void aPropertyValueKeepsTheDefaultsUnlessEmpty(String value, String host, boolean expected) {
        assertThat(NonProxyHosts.ofProperty(value).matches(host)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "empty host in \"{0}\"")
    @CsvSource(delimiter = ';', nullValues = "ABSENT", textBlock = """
        *
        ABSENT
        """)
    void anEmptyHostNeverMatches(String list) {
        assertThat(NonProxyHosts.parse(list).matches("")).isFalse();
        assertThat(NonProxyHosts.parse(list).matches(null)).isFalse();
    }
}
