package dev.multifetch.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * curl's NO_PROXY rules: the cases of curl's tests/unit/unit1614.c (its CIDR tables written as
 * one-token lists, then its list table), then cases for each rule on its own.
 */
class NoProxyTests {

    private static final String LONG_128 = "localhost,127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1."
            + "127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.1.127.0.0.";

    @ParameterizedTest(name = "{0} in \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        # unit1614 list4: IPv4 with a prefix length; /0 and /32 are the one address, over 32 never matches
        192.160.0.1      | 192.160.0.1/33   | false
        192.160.0.1      | 192.160.0.1/32   | true
        192.160.0.1      | 192.160.0.1/0    | true
        192.160.0.1      | 192.160.0.1/24   | true
        192.160.0.1      | 192.160.0.1/26   | true
        192.160.0.1      | 192.160.0.1/20   | true
        192.160.0.1      | 192.160.0.1/18   | true
        192.160.0.1      | 192.160.0.1/12   | true
        192.160.0.1      | 192.160.0.1/8    | true
        192.160.0.1      | 10.0.0.1/8       | false
        192.160.0.1      | 10.0.0.1/32      | false
        192.160.0.1      | 10.0.0.1/0       | false
        # unit1614 list6: IPv6; /0 means /128
        ::1              | ::1/0            | true
        ::1              | ::1/128          | true
        ::1              | 0:0::1/128       | true
        ::1              | 0:0::1/129       | false
        fe80::ab47:4396:55c9:8474 | fe80::ab47:4396:55c9:8474/64 | true
        # unit1614 list
        www.example.com  | localhost .example.com .example.de     | false
        www.example.com  | localhost,.example.com,.example.de     | true
        www.example.com. | localhost,.example.com,.example.de     | true
        example.com      | localhost,.example.com,.example.de     | true
        example.com.     | localhost,.example.com,.example.de     | true
        www.example.com  | localhost,.example.com.,.example.de    | true
        www.example.com  | localhost,www.example.com.,.example.de | true
        example.com      | localhost,example.com,.example.de      | true
        example.com.     | localhost,example.com,.example.de      | true
        nexample.com     | localhost,example.com,.example.de      | false
        www.example.com  | localhost,example.com,.example.de      | true
        127.0.0.1        | 127.0.0.1,localhost                    | true
        127.0.0.1        | 127.0.0.1,localhost,                   | true
        127.0.0.1        | 127.0.0.1/8,localhost,                 | true
        127.0.0.1        | 127.0.0.1/28,localhost,                | true
        127.0.0.1        | 127.0.0.1/31,localhost,                | true
        127.0.0.1        | localhost,127.0.0.1                    | true
        localhost        | localhost,127.0.0.1                    | true
        localhost        | 127.0.0.1,localhost                    | true
        foobar           | barfoo                                 | false
        foobar           | foobar                                 | true
        192.168.0.1      | foobar                                 | false
        192.168.0.1      | 192.168.0.0/16                         | true
        192.168.0.1      | 192.168.0.0/16a                        | false
        192.168.0.1      | '192.168.0.0/16 '                      | true
        192.168.0.1      | 192.168.0.0/a16                        | false
        192.168.0.1      | 192.168.0.0/ 16                        | false
        192.168.0.1      | 192.168.0.0/24                         | true
        192.168.0.1      | 192.168.0.0/32                         | false
        192.168.0.1      | 192.168.0.1/32                         | true
        192.168.0.1      | 192.168.0.1/33                         | false
        192.168.0.1      | 192.168.0.0                            | false
        192.168.1.1      | 192.168.0.0/24                         | false
        192.168.1.1      | 192.168.0.0/33                         | false
        192.168.1.1      | foo, bar, 192.168.0.0/24               | false
        192.168.1.1      | foo, bar, 192.168.0.0/16               | true
        ::1              | foo, bar, 192.168.0.0/16               | false
        ::1              | foo, bar, ::1/64                       | true
        ::1              | ::1/64                                 | true
        ::1              | ::1/96                                 | true
        ::1              | ::1/129                                | false
        ::1              | ::1/128                                | true
        ::1              | ::1/127                                | true
        ::1              | ::1/a127                               | false
        ::1              | ::1/127a                               | false
        ::1              | ::1/ 127                               | false
        ::1              | '::1/127 '                             | true
        ::1              | ::1/126                                | true
        ::1              | ::1/125                                | true
        ::1              | ::1/124                                | true
        ::1              | ::1/123                                | true
        ::1              | ::1/122                                | true
        2001:db8:8000::1 | 2001:db8::/65                          | false
        2001:db8:8000::1 | 2001:db8::/66                          | false
        2001:db8:8000::1 | 2001:db8::/67                          | false
        2001:db8:8000::1 | 2001:db8::/68                          | false
        2001:db8:8000::1 | 2001:db8::/69                          | false
        2001:db8:8000::1 | 2001:db8::/70                          | false
        2001:db8:8000::1 | 2001:db8::/71                          | false
        2001:db8:8000::1 | 2001:db8::/72                          | false
        2001:db8::1      | 2001:db8::/65                          | true
        2001:db8::1      | 2001:db8::/66                          | true
        2001:db8::1      | 2001:db8::/67                          | true
        2001:db8::1      | 2001:db8::/68                          | true
        2001:db8::1      | 2001:db8::/69                          | true
        2001:db8::1      | 2001:db8::/70                          | true
        2001:db8::1      | 2001:db8::/71                          | true
        2001:db8::1      | 2001:db8::/72                          | true
        bar              | foo, bar, ::1/64                       | true
        BAr              | foo, bar, ::1/64                       | true
        BAr              | foo,,,,,              bar, ::1/64      | true
        www.example.com  | foo, .example.com                      | true
        www.example.com  | www2.example.com, .example.net         | false
        example.com      | .example.com, .example.net             | true
        nonexample.com   | .example.com, .example.net             | false
        """)
    void curlUnit1614(String host, String list, boolean expected) {
        assertThat(NoProxy.parse(list).matches(host)).isEqualTo(expected);
    }

    @Test
    void curlUnit1614AddressesLongerThanAnIpNeverMatch() {
        assertThat(NoProxy.parse(LONG_128).matches("127.0.0.1")).isFalse();
        assertThat(NoProxy.parse(LONG_128.substring(0, LONG_128.length() - 1)).matches("127.0.0.1")).isFalse();
    }

    @ParameterizedTest(name = "{0} in \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
        # star alone is everything; anywhere else it is a name
        anything.example  | *                        | true
        10.1.2.3          | *                        | true
        ::1               | *                        | true
        a.example.com     | *.example.com            | false
        example.com       | *.example.com            | false
        *.example.com     | *.example.com            | true
        example.com       | '*,foo'                  | false
        example.com       | ' *'                     | false
        # no list, an empty list: nothing
        example.com       | NULL                     | false
        example.com       | ''                       | false
        localhost         | ''                       | false
        ''                | *                        | false
        ''                | example.com              | false
        # suffix only at a label boundary
        www.ample.com     | ample.com                | true
        ample.com         | ample.com                | true
        example.com       | ample.com                | false
        ample.com.org     | ample.com                | false
        a.b.ample.com     | .ample.com               | true
        ample.com         | www.ample.com            | false
        com               | example.com              | false
        # leading and trailing dots, on both sides; case
        example.com.      | example.com.             | true
        EXAMPLE.com       | .Example.COM             | true
        Www.Example.Com.  | example.com              | true
        www.example.com   | ..example.com            | false
        # blanks: spaces and tabs around tokens; a blank without a comma ends the list
        b.example         | 'a.example ,  b.example' | true
        b.example         | 'a.example\t,\tb.example' | true
        b.example         | 'a.example b.example'    | false
        a.example         | 'a.example b.example'    | true
        c.example         | 'a.example, b.example c.example' | false
        b.example         | ',,,b.example,,,'        | true
        # IP hosts compare only with IP tokens, never as names
        10.1.2.3          | 1.2.3                    | false
        10.1.2.3          | 10.1.2.3                 | true
        10.1.2.3          | 10.0.0.0/8               | true
        10.1.2.3          | 10.0.0.0/9               | true
        10.129.2.3        | 10.0.0.0/9               | false
        10.1.2.3          | 0.0.0.0/0                | false
        10.1.2.3          | 10.1.2.3/                | false
        10.1.2.3          | 010.1.2.3                | false
        10.1.2.3          | ::ffff:10.1.2.3          | false
        ::ffff:10.1.2.3   | ::ffff:10.1.2.3/128      | true
        ::ffff:10.1.2.3   | 10.1.2.3                 | false
        2001:DB8::1       | 2001:db8::/32            | true
        2001:db9::1       | 2001:db8::/32            | false
        2001:db8::1       | 2001:0db8:0000::1        | true
        2001:db8::1       | 2001:db8::1/0            | true
        2001:db8::2       | 2001:db8::1/0            | false
        fe80::1           | fe80::/10                | true
        febf::1           | fe80::/10                | true
        fec0::1           | fe80::/10                | false
        # a bracketed IPv6 host is tolerated
        [::1]             | ::1                      | true
        [::1]             | foo, bar, ::1/64         | true
        # names that look like addresses are names
        01.2.3.4          | 01.2.3.4                 | true
        1.2.3.4.example   | 3.4.example              | true
        fe80::1%eth0      | fe80::1%eth0             | true
        fe80::1%eth0      | fe80::/10                | false
        """)
    void curlRules(String host, String list, boolean expected) {
        assertThat(NoProxy.parse(list == null ? null : list.replace("\\t", "\t")).matches(host)).isEqualTo(expected);
    }

    @Test
    void aNullHostNeverMatches() {
        assertThat(NoProxy.parse("*").matches(null)).isFalse();
        assertThat(NoProxy.parse("localhost").matches(null)).isFalse();
    }

    /**
     * Matching reads the text alone. Every name here resolves (or fails to resolve) to something
     * that would decide otherwise if it were looked up; the answers follow the rules, not DNS.
     */
    @Test
    void namesAreNeverResolved() {
        assertThat(NoProxy.parse("127.0.0.0/8, ::1").matches("localhost")).isFalse();
        assertThat(NoProxy.parse("localhost").matches("127.0.0.1")).isFalse();
        assertThat(NoProxy.parse("localhost").matches("::1")).isFalse();
        assertThat(NoProxy.parse("0.0.0.0/0").matches("nonexistent.invalid")).isFalse();
        assertThat(NoProxy.parse(".invalid").matches("nonexistent.invalid")).isTrue();
        assertThat(NoProxy.parse("10.0.0.0/8").matches("10.0.0.1.nip.io")).isFalse();
        assertThat(NoProxy.parse("nip.io").matches("10.0.0.1.nip.io")).isTrue();
    }

    @Test
    void aThousandMatchesOfUnresolvableNamesTakeNoTimeForLookups() {
        NoProxy list = NoProxy.parse("10.0.0.0/8, ::1/128, .corp.example, intranet");
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            assertThat(list.matches("host" + i + ".nonexistent.invalid")).isFalse();
        }
        // a single resolver round trip for a .invalid name costs milliseconds; a thousand would be seconds
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }
}
