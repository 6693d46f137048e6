package dev.multifetch.core.testing;

import dev.multifetch.core.testing.TestCertificates.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * An https test server on 127.0.0.1 with a given certificate: answers every request on a
 * connection with 200 and a fixed body (keep-alive). Can demand a client certificate signed by
 * a given CA. Records the client certificate subjects it saw.
 */
public final class TlsServer implements AutoCloseable {

    private final SSLServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tls-test-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> clientSubjects = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final String body;

    private TlsServer(Identity identity, X509Certificate clientCa, String body) throws Exception {
        this.body = body;
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity.keyStore(), TestCertificates.PASSWORD);
        javax.net.ssl.TrustManager[] trust = null;
        if (clientCa != null) {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("client-ca", clientCa);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            trust = tmf.getTrustManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), trust, null);
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(clientCa != null);
        threads.execute(this::acceptLoop);
    }

    /** A server presenting {@code identity}, answering {@code body}. */
    public static TlsServer start(Identity identity, String body) throws Exception {
        return new TlsServer(identity, null, body);
    }

    /** A server presenting {@code identity} that demands a client certificate signed by {@code clientCa}. */
    public static TlsServer requiringClientCertificate(Identity identity, X509Certificate clientCa, String body) throws Exception {
        return new TlsServer(identity, clientCa, body);
    }

    /** The port. */
    public int port() {
        return server.getLocalPort();
    }

    /** Completed handshakes. */
    public int handshakes() {
        return handshakes.get();
    }

    /** Subjects of the client certificates presented. */
    public List<String> clientSubjects() {
        return clientSubjects;
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket s = server.accept();
                sockets.add(s);
                threads.execute(() -> serve((SSLSocket) s));
            }
        } catch (IOException closed) {
            // the server was closed
        }
    }

    private void serve(SSLSocket s) {
        try (s) {
            s.startHandshake();
            handshakes.incrementAndGet();
            try {
                clientSubjects.add(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName());
            } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                // no client certificate: fine unless demanded
            }
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] payload = body.getBytes(StandardCharsets.UTF_8);
            while (readHead(in)) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + payload.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(payload);
                out.flush();
            }
        } catch (IOException e) {
            // a client that failed verification hangs up mid-handshake: expected in tests
        }
    }

    private static boolean readHead(InputStream in) throws IOException {
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
            if (matched == 4) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws Exception {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
