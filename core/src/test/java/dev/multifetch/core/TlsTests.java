package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.multifetch.core.testing.QuietLogs;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.StalledListener;
import dev.multifetch.core.testing.TestCertificates;
import dev.multifetch.core.testing.TestCertificates.Identity;
import dev.multifetch.core.testing.TlsServer;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** https on the selector thread against in-test TLS servers with certificates made at test time. */
@Timeout(60)
class TlsTests {

    private static final TestCertificates CA = TestCertificates.newAuthority();

    private FetchEngine engine;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close(Duration.ZERO);
        }
    }

    private FetchEngine engine(TlsConfig tls) {
        // 500 handshakes on 2 cores can take seconds under load: the tests here are not about the connect timeout
        engine = FetchEngine.builder().options(MultiOptions.builder().tls(tls).maxHostConnections(0)
                .connectTimeout(Duration.ofSeconds(60)).build()).build();
        return engine;
    }

    private static TlsConfig trustingTestCa() {
        return TlsConfig.builder().trustCertificates(List.of(CA.authority())).build();
    }

    private static FetchException failure(CompletableFuture<FetchResponse> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(FetchException.class);
            return (FetchException) e.getCause();
        }
        throw new AssertionError("the fetch succeeded");
    }

    @Test
    void whenTheChainIsValidThenTheFetchSucceedsWithAppconnectTiming() throws Exception {
        try (TlsServer server = TlsServer.start(CA.server("localhost", "127.0.0.1"), "secure hello")) {
            FetchResponse r = engine(trustingTestCa()).fetch(FetchRequest.get("https://localhost:" + server.port() + "/")).join();

            assertThat(r.bodyAsString()).isEqualTo("secure hello");
            assertThat(r.effectiveUrl()).startsWith("https://localhost:");
            assertThat(r.timings().appconnect()).isPositive().isGreaterThanOrEqualTo(r.timings().connect());
            assertThat(r.timings().pretransfer()).isGreaterThanOrEqualTo(r.timings().appconnect());
        }
    }

    @Test
    void whenAnIpLiteralIsInTheCertificateThenItVerifies() throws Exception {
        try (TlsServer server = TlsServer.start(CA.server("127.0.0.1"), "by ip")) {
            assertThat(engine(trustingTestCa()).fetch(FetchRequest.get("https://127.0.0.1:" + server.port() + "/")).join()
                    .bodyAsString()).isEqualTo("by ip");
        }
    }

    @Test
    void whenTheConnectionIsKeptAliveThenTheSecondRequestReusesIt() throws Exception {
        try (TlsServer server = TlsServer.start(CA.server("localhost"), "again")) {
            engine(trustingTestCa());
            String url = "https://localhost:" + server.port() + "/";
            engine.fetch(FetchRequest.get(url)).join();
            FetchResponse second = engine.fetch(FetchRequest.get(url)).join();

            assertThat(second.connects()).isZero();
            assertThat(server.handshakes()).isEqualTo(1);
        }
    }

    @Test
    void whenTheCertificateIsSelfSignedThenPeerFailedVerification() throws Exception {
        try (TlsServer server = TlsServer.start(TestCertificates.selfSigned("localhost"), "x")) {
            FetchException e = failure(engine(TlsConfig.DEFAULT).fetch(FetchRequest.get("https://localhost:" + server.port() + "/")));

            assertThat(e.error()).isEqualTo(FetchError.PEER_FAILED_VERIFICATION);
            assertThat(e).hasMessageContaining("self-signed or unknown issuer");
        }
    }

    @Test
    void whenTheCertificateHasExpiredThenPeerFailedVerification() throws Exception {
        try (TlsServer server = TlsServer.start(CA.expiredServer("localhost"), "x")) {
            FetchException e = failure(engine(trustingTestCa()).fetch(FetchRequest.get("https://localhost:" + server.port() + "/")));

            assertThat(e.error()).isEqualTo(FetchError.PEER_FAILED_VERIFICATION);
            assertThat(e.getMessage()).containsIgnoringCase("expired");
        }
    }

    @Test
    void whenTheCertificateIsForAnotherHostThenPeerFailedVerification() throws Exception {
        try (TlsServer server = TlsServer.start(CA.server("other.example"), "x")) {
            FetchException e = failure(engine(trustingTestCa()).fetch(FetchRequest.get("https://localhost:" + server.port() + "/")));

            assertThat(e.error()).isEqualTo(FetchError.PEER_FAILED_VERIFICATION);
            assertThat(e).hasMessageContaining("does not match the host name localhost");
        }
    }

    @Test
    @QuietLogs("dev.multifetch.core.TlsConfig")
    void whenVerificationIsTurnedOffForTestsThenAnUntrustedServerIsAccepted() throws Exception {
        try (TlsServer server = TlsServer.start(TestCertificates.selfSigned("other.example"), "insecure")) {
            TlsConfig insecure = TlsConfig.builder().insecureTrustAllCertificatesForTestsOnly().build();

            assertThat(insecure.insecure()).isTrue();
            assertThat(engine(insecure).fetch(FetchRequest.get("https://localhost:" + server.port() + "/")).join().bodyAsString())
                    .isEqualTo("insecure");
        }
    }

    @Test
    void whenTheServerSpeaksPlainHttpOnTheTlsPortThenSslConnectError() {
        try (ScriptedServer plain = new ScriptedServer()) {
            plain.defaultScript(ScriptedServer.script().send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").close());
            FetchException e = failure(engine(trustingTestCa()).fetch(FetchRequest.get("https://127.0.0.1:" + plain.port() + "/")));

            assertThat(e.error()).isEqualTo(FetchError.SSL_CONNECT_ERROR);
        }
    }

    @Test
    void whenTheServerClosesDuringTheHandshakeThenSslConnectError() {
        try (ScriptedServer closer = new ScriptedServer()) {
            closer.dispatcher((i, request) -> ScriptedServer.script().close());
            FetchException e = failure(engine(trustingTestCa()).fetch(FetchRequest.get("https://127.0.0.1:" + closer.port() + "/")));

            assertThat(e.error()).isEqualTo(FetchError.SSL_CONNECT_ERROR);
        }
    }

    @Test
    void whenTheServerDemandsAClientCertificateThenMutualTlsWorks() throws Exception {
        Identity client = CA.client("multifetch client");
        try (TlsServer server = TlsServer.requiringClientCertificate(CA.server("localhost"), CA.authority(), "mtls ok")) {
            TlsConfig tls = TlsConfig.builder().trustCertificates(List.of(CA.authority()))
                    .clientCertificate(client.keyStore(), TestCertificates.PASSWORD).build();

            assertThat(engine(tls).fetch(FetchRequest.get("https://localhost:" + server.port() + "/")).join().bodyAsString())
                    .isEqualTo("mtls ok");
            assertThat(server.clientSubjects()).singleElement().asString().contains("multifetch client");
        }
    }

    @Test
    void whenNoClientCertificateIsPresentedThenTheTransferFails() throws Exception {
        try (TlsServer server = TlsServer.requiringClientCertificate(CA.server("localhost"), CA.authority(), "x")) {
            FetchException e = failure(engine(trustingTestCa()).fetch(FetchRequest.get("https://localhost:" + server.port() + "/")));

            assertThat(e.error()).isIn(FetchError.SSL_CONNECT_ERROR, FetchError.RECV_ERROR, FetchError.GOT_NOTHING);
        }
    }

    @Test
    void fiveHundredConcurrentHttpsFetchesCompleteOnOneSelectorThread() throws Exception {
        try (TlsServer server = TlsServer.start(CA.server("localhost"), "many")) {
            engine(trustingTestCa());
            List<CompletableFuture<FetchResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                futures.add(engine.fetch(FetchRequest.get("https://localhost:" + server.port() + "/" + i)));
            }

            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();

            assertThat(futures).allSatisfy(f -> assertThat(f.join().bodyAsString()).isEqualTo("many"));
            await().atMost(Duration.ofSeconds(5)).until(() -> engine.runningHandles() == 0);
        }
    }

    @Test
    void whenAHandshakeStallsThenAPlainFetchStillCompletes() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             ScriptedServer plain = new ScriptedServer()) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            plain.defaultScript(ScriptedServer.ok("plain"));
            engine(trustingTestCa());

            CompletableFuture<FetchResponse> stalled = engine.fetch(FetchRequest.get("https://127.0.0.1:" + silent.getLocalPort() + "/"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !accepted.isEmpty());
            assertThat(engine.fetch(FetchRequest.get(plain.url("/"))).join().bodyAsString()).isEqualTo("plain");

            assertThat(stalled).isNotDone();
            stalled.cancel(true);
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void whenTheHandshakeNeverStartsThenTheConnectTimeoutCoversIt() throws Exception {
        try (StalledListener listener = StalledListener.readingAfterLatch()) {
            engine(trustingTestCa());
            FetchException e = failure(engine.fetch(FetchRequest.builder("https://127.0.0.1:" + listener.port() + "/")
                    .connectTimeout(Duration.ofMillis(300)).build()));

            assertThat(e.error()).isEqualTo(FetchError.OPERATION_TIMEDOUT);
            assertThat(e).hasMessageContaining("TLS handshake");
        }
    }

    @Test
    void sessionsAreCachedInTheSharedContextForResumptionAcrossConnections() throws Exception {
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", CA.authority());
        tmf.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        try (TlsServer server = TlsServer.start(CA.server("localhost"), "resumable")) {
            engine(TlsConfig.builder().sslContext(context).build());
            String url = "https://localhost:" + server.port() + "/";
            engine.fetch(FetchRequest.builder(url).header("Connection", "close").build()).join();
            engine.fetch(FetchRequest.builder(url).header("Connection", "close").build()).join();

            assertThat(server.handshakes()).isEqualTo(2);
            assertThat(java.util.Collections.list(context.getClientSessionContext().getIds())).isNotEmpty();
        }
    }

    @Test
    void whenCipherSuitesAreRestrictedThenTheHandshakeUsesOneOfThem() throws Exception {
        String suite = "TLS_AES_128_GCM_SHA256";
        List<String> negotiated = new java.util.concurrent.CopyOnWriteArrayList<>();
        FetchListener listener = new FetchListener() {
            @Override
            public void tlsEnd(Transfer transfer, String protocol, String cipherSuite) {
                negotiated.add(cipherSuite);
            }
        };
        try (TlsServer server = TlsServer.start(CA.server("localhost"), "suite")) {
            TlsConfig tls = TlsConfig.builder().trustCertificates(List.of(CA.authority())).cipherSuites(suite).build();
            engine = FetchEngine.builder().options(MultiOptions.builder().tls(tls).listener(listener).build()).build();

            assertThat(engine.fetch(FetchRequest.get("https://localhost:" + server.port() + "/")).join().bodyAsString()).isEqualTo("suite");
            assertThat(negotiated).containsExactly(suite);
        }
    }

    @Test
    void whenHttpRedirectsToHttpsThenTheSecureHopIsVerifiedAndFollowed() throws Exception {
        try (TlsServer secure = TlsServer.start(CA.server("localhost"), "upgraded");
             ScriptedServer plain = new ScriptedServer()) {
            plain.defaultScript(ScriptedServer.script().send("HTTP/1.1 301 Moved Permanently\r\nLocation: https://localhost:"
                    + secure.port() + "/secure\r\nContent-Length: 0\r\n\r\n"));
            FetchResponse r = engine(trustingTestCa()).fetch(FetchRequest.builder(plain.url("/start")).followRedirects().build()).join();

            assertThat(r.bodyAsString()).isEqualTo("upgraded");
            assertThat(r.effectiveUrl()).isEqualTo("https://localhost:" + secure.port() + "/secure");
            assertThat(r.redirects()).isEqualTo(1);
            assertThat(r.timings().appconnect()).isPositive();
        }
    }

    @Test
    void whenHttpsRedirectsToAnUntrustedHttpsHopThenTheHopFailsVerification() throws Exception {
        try (TlsServer untrusted = TlsServer.start(TestCertificates.selfSigned("localhost"), "x");
             ScriptedServer plain = new ScriptedServer()) {
            plain.defaultScript(ScriptedServer.script().send("HTTP/1.1 302 Found\r\nLocation: https://localhost:"
                    + untrusted.port() + "/\r\nContent-Length: 0\r\n\r\n"));
            FetchException e = failure(engine(trustingTestCa()).fetch(FetchRequest.builder(plain.url("/")).followRedirects().build()));

            assertThat(e.error()).isEqualTo(FetchError.PEER_FAILED_VERIFICATION);
        }
    }

    @Test
    void aBigBodyOverTlsArrivesWhole() throws Exception {
        String big = "0123456789abcdef".repeat(256 * 1024);
        try (TlsServer server = TlsServer.start(CA.server("localhost"), big)) {
            FetchResponse r = engine(trustingTestCa()).fetch(FetchRequest.get("https://localhost:" + server.port() + "/big")).join();

            assertThat(r.body()).hasSize(big.length());
            assertThat(r.bodyAsString()).isEqualTo(big);
        }
    }

    @Test
    void insecureAndBadProtocolSettingsAreRefusedOrNamed() {
        assertThatThrownBy(() -> TlsConfig.builder().protocols("TLSv1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TLSv1");
        assertThatThrownBy(() -> TlsConfig.builder().cipherSuites("TLS_NO_SUCH_SUITE").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLS_NO_SUCH_SUITE");
        assertThat(TlsConfig.DEFAULT.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(TlsConfig.DEFAULT.insecure()).isFalse();
    }
}
