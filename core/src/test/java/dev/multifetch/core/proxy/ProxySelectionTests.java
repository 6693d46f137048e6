package dev.multifetch.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxySettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which proxy a request gets: the order of the sources, each source's own rules, and credentials. */
class ProxySelectionTests {

    @ParameterizedTest(name = "[{0}] {1}://{2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        http_proxy=h1:1111 HTTP_PROXY=h2:2222                   | http  | example.com | http://h1:1111
        HTTP_PROXY=h2:2222                                      | http  | example.com | direct
        HTTP_PROXY=h2:2222 all_proxy=a:1                        | http  | example.com | http://a:1
        https_proxy=s1:1 HTTPS_PROXY=s2:2                       | https | example.com | http://s1:1
        HTTPS_PROXY=s2:2                                        | https | example.com | http://s2:2
        https_proxy= HTTPS_PROXY=s2:2                           | https | example.com | http://s2:2
        http_proxy=h1:1                                         | https | example.com | direct
        https_proxy=s1:1                                        | http  | example.com | direct
        all_proxy=a:1 ALL_PROXY=b:2                             | http  | example.com | http://a:1
        ALL_PROXY=b:2                                           | https | example.com | http://b:2
        http_proxy=h1:1 all_proxy=a:1                           | http  | example.com | http://h1:1
        https_proxy=https://s1 all_proxy=a:1                    | https | example.com | https://s1:443
        http_proxy=socks5h://sk                                 | http  | example.com | socks5h://sk:1080
        http_proxy=h:1 no_proxy=example.com NO_PROXY=other.com  | http  | example.com | direct
        http_proxy=h:1 no_proxy=example.com NO_PROXY=other.com  | http  | other.com   | http://h:1
        http_proxy=h:1 NO_PROXY=other.com                       | http  | other.com   | direct
        http_proxy=h:1 no_proxy= NO_PROXY=other.com             | http  | other.com   | direct
        http_proxy=h:1 no_proxy=*                               | http  | example.com | direct
        http_proxy=h:1 no_proxy=.example.com                    | http  | www.example.com | direct
        http_proxy=h:1 no_proxy=10.0.0.0/8                      | http  | 10.1.2.3    | direct
        http_proxy=h:1 no_proxy=127.0.0.0/8                     | http  | localhost   | http://h:1
        http_proxy=h:1                                          | http  | localhost   | http://h:1
        x=y                                                     | http  | example.com | direct
        """)
    void environmentAsCurlReadsIt(String env, String scheme, String host, String expected) {
        assertThat(selected(ProxySettings.builder().useEnvironment(map(env)), scheme, host)).isEqualTo(expected);
    }

    @Test
    void explicitProxyBeatsTheEnvironmentAndNoneStopsIt() {
        Map<String, String> env = map("http_proxy=envproxy:1 all_proxy=envall:2");
        ProxySettings explicit = ProxySettings.builder().url("http://mine:3128").useEnvironment(env).build();
        ProxySettings none = ProxySettings.builder().proxy(ProxyConfig.NONE).useEnvironment(env).build();

        assertThat(show(ProxySelection.select(explicit, null, "http", "example.com", 80))).isEqualTo("http://mine:3128");
        assertThat(ProxySelection.select(none, null, "http", "example.com", 80)).isNull();
    }

    @Test
    void theRequestsProxyBeatsEverythingAndItsNoneGoesDirect() {
        ProxySettings settings = ProxySettings.builder().url("http://mine:3128").useEnvironment(map("http_proxy=e:1")).build();
        ProxySelection selection = new ProxySelection(settings);

        assertThat(show(selection.select(ProxyConfig.parse("socks5://req:9"), "http", "example.com", 80)))
                .isEqualTo("socks5://req:9");
        assertThat(selection.select(ProxyConfig.NONE, "http", "example.com", 80)).isNull();
    }

    @Test
    void theSettingsNoProxyListSendsAnyProxyDirectAndReplacesTheEnvironmentsList() {
        ProxySettings settings = ProxySettings.builder().noProxy(".internal")
                .useEnvironment(map("http_proxy=e:1 no_proxy=example.com")).build();
        ProxySelection selection = new ProxySelection(settings);

        assertThat(selection.select(ProxyConfig.parse("req:9"), "http", "a.internal", 80)).isNull();
        assertThat(selection.select(null, "http", "a.internal", 80)).isNull();
        assertThat(show(selection.select(null, "http", "example.com", 80))).isEqualTo("http://e:1");
    }

    @Test
    void anEmptyNoProxyListProxiesEveryHostWhateverTheEnvironmentSays() {
        ProxySettings settings = ProxySettings.builder().noProxy("").useEnvironment(map("http_proxy=e:1 no_proxy=*")).build();

        assertThat(show(ProxySelection.select(settings, null, "http", "example.com", 80))).isEqualTo("http://e:1");
    }

    @Test
    void aBadEnvironmentValueNamesTheVariableNeverThePassword() {
        ProxySettings settings = ProxySettings.builder().useEnvironment(map("https_proxy=ftp://u:s3cr3t@p:1")).build();
        ProxySettings noHost = ProxySettings.builder().useEnvironment(map("HTTPS_PROXY=http://u:s3cr3t@:1")).build();

        assertThatThrownBy(() -> ProxySelection.select(settings, null, "https", "example.com", 443))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https_proxy").hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> ProxySelection.select(noHost, null, "https", "example.com", 443))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HTTPS_PROXY").hasMessageNotContaining("s3cr3t");
    }

    @ParameterizedTest(name = "[{0}] {1}://{2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        http.proxyHost=hp                                   | http  | example.com | http://hp:80
        http.proxyHost=hp http.proxyPort=3128               | http  | example.com | http://hp:3128
        http.proxyHost=hp http.proxyPort=0                  | http  | example.com | http://hp:80
        https.proxyHost=sp                                  | https | example.com | http://sp:443
        https.proxyHost=sp https.proxyPort=8443             | https | example.com | http://sp:8443
        http.proxyHost=hp                                   | https | example.com | direct
        https.proxyHost=sp                                  | http  | example.com | direct
        http.proxyHost= https.proxyHost=                    | http  | example.com | direct
        socksProxyHost=sk                                   | https | example.com | socks5h://sk:1080
        socksProxyHost=sk                                   | http  | example.com | socks5h://sk:1080
        socksProxyHost=sk socksProxyPort=1081 socksProxyVersion=4 | http | example.com | socks4a://sk:1081
        socksProxyHost=sk socksProxyVersion=5               | http  | example.com | socks5h://sk:1080
        http.proxyHost=hp socksProxyHost=sk                 | http  | example.com | http://hp:80
        http.proxyHost=hp socksProxyHost=sk                 | https | example.com | socks5h://sk:1080
        http.proxyHost= socksProxyHost=sk                   | http  | example.com | socks5h://sk:1080
        http.proxyHost=hp                                   | http  | localhost   | direct
        http.proxyHost=hp                                   | http  | 127.0.0.1   | direct
        http.proxyHost=hp                                   | http  | ::1         | direct
        http.proxyHost=hp http.nonProxyHosts=*.internal     | http  | a.internal  | direct
        http.proxyHost=hp http.nonProxyHosts=*.internal     | http  | localhost   | direct
        http.proxyHost=hp http.nonProxyHosts=*.internal     | http  | example.com | http://hp:80
        https.proxyHost=sp http.nonProxyHosts=*.internal    | https | a.internal  | direct
        http.proxyHost=hp http.nonProxyHosts=               | http  | localhost   | http://hp:80
        socksProxyHost=sk                                   | http  | localhost   | direct
        socksProxyHost=sk socksNonProxyHosts=*.lan          | https | a.lan       | direct
        socksProxyHost=sk http.nonProxyHosts=*.lan          | https | a.lan       | socks5h://sk:1080
        http.proxyHost=[::1] http.proxyPort=3128            | http  | example.com | http://[::1]:3128
        other=x                                             | http  | example.com | direct
        """)
    void jvmPropertiesWithSocksUsed(String props, String scheme, String host, String expected) {
        assertThat(selected(ProxySettings.builder().useSystemProperties(properties(props)), scheme, host)).isEqualTo(expected);
    }

    @Test
    void propertyCredentialsGoToTheirOwnKindOfProxy() {
        Properties p = properties("http.proxyHost=hp http.proxyUser=hu http.proxyPassword=hpw https.proxyHost=sp"
                + " https.proxyUser=su https.proxyPassword=spw socksProxyHost=sk"
                + " java.net.socks.username=ku java.net.socks.password=kpw");
        ProxySelection selection = new ProxySelection(ProxySettings.builder().useSystemProperties(p).build());
        p.remove("https.proxyHost");
        ProxyConfig socks = selection.select(null, "https", "example.com", 443);
        p.setProperty("https.proxyHost", "sp");

        assertThat(credentials(selection.select(null, "http", "example.com", 80))).isEqualTo("hu:hpw");
        assertThat(credentials(selection.select(null, "https", "example.com", 443))).isEqualTo("su:spw");
        assertThat(show(socks)).isEqualTo("socks5h://sk:1080");
        assertThat(credentials(socks)).isEqualTo("ku:kpw");
    }

    @Test
    void propertiesAreReadLiveAndTheirListReparsedOnlyWhenItChanges() {
        Properties p = properties("http.proxyHost=hp http.nonProxyHosts=a.example");
        ProxySelection selection = new ProxySelection(ProxySettings.builder().useSystemProperties(p).build());

        assertThat(selection.select(null, "http", "a.example", 80)).isNull();
        p.setProperty("http.nonProxyHosts", "b.example");
        p.setProperty("http.proxyPort", "8080");

        assertThat(show(selection.select(null, "http", "a.example", 80))).isEqualTo("http://hp:8080");
        assertThat(selection.select(null, "http", "b.example", 80)).isNull();
    }

    @Test
    void aBadPortPropertyNamesTheProperty() {
        ProxySettings settings = ProxySettings.builder().useSystemProperties(properties("https.proxyHost=sp https.proxyPort=12a")).build();

        assertThatThrownBy(() -> ProxySelection.select(settings, null, "https", "example.com", 443))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https.proxyPort").hasMessageContaining("12a");
    }

    @Test
    void propertiesBeatTheEnvironmentAndTheirBypassIsFinal() {
        ProxySettings settings = ProxySettings.builder().useSystemProperties(properties("http.proxyHost=hp"))
                .useEnvironment(map("http_proxy=e:1")).build();
        ProxySelection selection = new ProxySelection(settings);

        assertThat(show(selection.select(null, "http", "example.com", 80))).isEqualTo("http://hp:80");
        assertThat(selection.select(null, "http", "localhost", 80)).isNull();
        assertThat(show(selection.select(null, "https", "example.com", 443))).isEqualTo("direct");
    }

    @Test
    void selectorHttpEntryIsAnHttpProxyAndItIsAskedWithTheRequestsUri() {
        RecordingSelector selector = new RecordingSelector(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("sel", 3128)));
        ProxySettings settings = ProxySettings.builder().proxySelector(selector).useEnvironment(map("http_proxy=e:1")).build();
        ProxySelection selection = new ProxySelection(settings);

        assertThat(show(selection.select(null, "http", "example.com", 8080))).isEqualTo("http://sel:3128");
        assertThat(show(selection.select(null, "https", "2001:db8::1", 443))).isEqualTo("http://sel:3128");
        assertThat(selector.asked).containsExactly(URI.create("http://example.com:8080"), URI.create("https://[2001:db8::1]:443"));
    }

    @Test
    void selectorSocksEntryIsSocks5hOrSocks4aWhenThePropertiesSayVersion4() {
        Proxy socks = new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", 1081));
        ProxySettings plain = ProxySettings.builder().proxySelector(new RecordingSelector(socks)).build();
        ProxySettings v4 = plain.toBuilder().useSystemProperties(properties("socksProxyVersion=4")).build();

        assertThat(show(ProxySelection.select(plain, null, "https", "example.com", 443))).isEqualTo("socks5h://127.0.0.1:1081");
        assertThat(show(ProxySelection.select(v4, null, "https", "example.com", 443))).isEqualTo("socks4a://127.0.0.1:1081");
    }

    @Test
    void selectorDirectOrNothingGoesDirectWithoutAskingFurther() {
        Map<String, String> env = map("http_proxy=e:1");
        ProxySettings direct = ProxySettings.builder().proxySelector(new RecordingSelector(Proxy.NO_PROXY,
                new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("later", 1)))).useEnvironment(env).build();
        ProxySettings empty = ProxySettings.builder().proxySelector(new RecordingSelector()).useEnvironment(env).build();

        assertThat(ProxySelection.select(direct, null, "http", "example.com", 80)).isNull();
        assertThat(ProxySelection.select(empty, null, "http", "example.com", 80)).isNull();
    }

    @Test
    void whatTheSelectorThrowsPropagates() {
        ProxySelector failing = new RecordingSelector() {
            @Override
            public List<Proxy> select(URI uri) {
                throw new IllegalStateException("selector broke for " + uri);
            }
        };
        ProxySettings settings = ProxySettings.builder().proxySelector(failing).build();

        assertThatThrownBy(() -> ProxySelection.select(settings, null, "http", "example.com", 80))
                .isInstanceOf(IllegalStateException.class).hasMessage("selector broke for http://example.com:80");
    }

    @Test
    void theSettingsCredentialsGoToAProxyWithoutItsOwn() {
        ProxySettings settings = ProxySettings.builder().url("http://mine:3128").username("su").password("spw")
                .useEnvironment(map("https_proxy=http://eu:epw@e:1")).build();
        ProxySelection selection = new ProxySelection(settings);
        ProxySelection fromEnv = new ProxySelection(settings.toBuilder().proxy(null).build());

        assertThat(credentials(selection.select(null, "http", "example.com", 80))).isEqualTo("su:spw");
        assertThat(credentials(selection.select(ProxyConfig.parse("socks5://ru:rpw@r"), "http", "example.com", 80)))
                .isEqualTo("ru:rpw");
        assertThat(credentials(selection.select(ProxyConfig.parse("socks5://r"), "http", "example.com", 80))).isEqualTo("su:spw");
        assertThat(credentials(fromEnv.select(null, "https", "example.com", 443))).isEqualTo("eu:epw");
    }

    @Test
    void aPasswordWithoutAUserNameAddsNoCredentials() {
        ProxySettings settings = ProxySettings.builder().url("http://mine:3128").password("spw").build();

        assertThat(ProxySelection.select(settings, null, "http", "example.com", 80).hasCredentials()).isFalse();
    }

    @Test
    void noSourceMeansDirect() {
        assertThat(ProxySelection.select(ProxySettings.NONE, null, "https", "example.com", 443)).isNull();
    }

    /** What the settings choose for a request with no proxy of its own to {@code scheme://host}, shown. */
    private static String selected(ProxySettings.Builder settings, String scheme, String host) {
        return show(ProxySelection.select(settings.build(), null, scheme, host, 80));
    }

    private static String show(ProxyConfig p) {
        return p == null ? "direct" : p.display();
    }

    private static String credentials(ProxyConfig p) {
        return p.username() + ":" + p.password();
    }

    /** {@code "a=1 b=2"} as a map; {@code "a="} is the empty value. */
    private static Map<String, String> map(String pairs) {
        Map<String, String> m = new HashMap<>();
        for (String pair : pairs.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            m.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return m;
    }

    private static Properties properties(String pairs) {
        Properties p = new Properties();
        p.putAll(map(pairs));
        return p;
    }

    /** Answers every URI with the same entries and records what it was asked. */
    private static class RecordingSelector extends ProxySelector {

        final List<URI> asked = new ArrayList<>();
        private final List<Proxy> answer;

        RecordingSelector(Proxy... answer) {
            this.answer = List.of(answer);
        }

        @Override
        public List<Proxy> select(URI uri) {
            asked.add(uri);
            return answer;
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        }
    }
}
