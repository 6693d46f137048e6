package dev.multifetch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load against one URL (or the same path on many loopback origins) with one client,
 * in this JVM alone: a warm-up phase, then a measured phase; prints one JSON line and one Markdown
 * row on standard output (everything else goes to standard error) and exits.
 *
 * <pre>
 * java -Xms512m -Xmx512m -cp ... dev.multifetch.bench.LoadDriver --client multifetch \
 *     --url http://127.0.0.1:28080/1k --requests 200000 --concurrency 64 --expect-bytes 1024
 * </pre>
 *
 * With {@code --probe URL} (the slow server's {@code /stats}) the driver also measures heap per
 * in-flight transfer: once the server holds (nearly) every request, it collects garbage and
 * divides the heap growth over the post-warm-up baseline by the requests in flight. With
 * {@code --jfr FILE} the measured phase alone is recorded with JFR (see {@link Profile}). With
 * {@code --server-pids 1,2} it reports {@code other_cores}: the cores that processes other than
 * this one and those servers used during the measured phase (see {@link OtherLoad}).
 *
 * <p>{@code --protocol h2} runs the client over HTTP/2 (h2c with prior knowledge on http://, ALPN
 * on https://) with {@code --per-host} connections of {@code --streams} streams each;
 * {@code --trust-pem FILE} is the certificate an https URL is to be trusted by (the benchmark's
 * self-signed one). {@code --proxy http://host:port} sends every request through that HTTP
 * forward proxy, as far as the client can forward (see {@link Contestants}); with
 * {@code --connection-close 1} every request of the client (apache, jetty, okhttp) carries
 * {@code Connection: close}.
 */
public final class LoadDriver {

    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Map<String, String> args;
    private final String name;
    private final URI[] uris;
    private final int requests;
    private final int concurrency;
    private final long expectBytes;
    private final String probe;
    private final Settings settings;

    private LoadDriver(Map<String, String> args) {
        this.args = args;
        this.name = Args.string(args, "client", "multifetch");
        this.uris = origins(URI.create(Args.string(args, "url", null)), Args.integer(args, "origins", 1));
        this.requests = Args.integer(args, "requests", 100_000);
        this.concurrency = Args.integer(args, "concurrency", 64);
        this.expectBytes = Args.integer(args, "expect-bytes", -1);
        this.probe = Args.string(args, "probe", "");
        String trustPem = Args.string(args, "trust-pem", "");
        String proxy = Args.string(args, "proxy", "");
        this.settings = new Settings(concurrency, Args.integer(args, "per-host", 0), uris.length,
                Settings.Protocol.parse(Args.string(args, "protocol", "h1")), Args.integer(args, "streams", 100),
                "https".equals(uris[0].getScheme()), trustPem.isEmpty() ? null : Path.of(trustPem),
                proxy.isEmpty() ? null : URI.create(proxy), Args.integer(args, "connection-close", 0) == 1);
        if (settings.proxied() && (settings.h2() || settings.tls())) {
            throw new IllegalArgumentException("--proxy is for cleartext HTTP/1.1 (forwarding), not " + settings.protocol()
                    + (settings.tls() ? " over TLS" : ""));
        }
    }

    public static void main(String[] argv) throws Exception {
        int status;
        try {
            status = new LoadDriver(Args.parse(argv)).run();
        } catch (IllegalArgumentException badArgs) {
            System.err.println("LoadDriver: " + badArgs.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    private int run() throws Exception {
        int baselineThreads = ProcessStats.liveThreads();
        ProcessStats.resetPeakThreads();
        try (Contestant client = Contestants.create(name, settings)) {
            warmUp(client);
            Map<String, Object> result = measure(client, baselineThreads);
            System.out.println(Json.line(result));
            System.out.println(markdownRow(result));
            System.out.flush();
        }
        return 0;
    }

    private void warmUp(Contestant client) throws InterruptedException {
        int warmup = Args.integer(args, "warmup", Math.min(requests, 20_000));
        if (warmup > 0) {
            ClosedLoop warm = new ClosedLoop(client, uris, expectBytes, warmup, concurrency,
                    TimeUnit.SECONDS.toNanos(Args.integer(args, "warmup-seconds", 5)), new Recorder(3));
            warm.start();
            warm.await(GRACE_NANOS);
            System.err.printf(Locale.ROOT, "%s warm-up: %d ok, %d failed%n", name, warm.ok(), warm.errors());
        }
    }

    /** The measured phase, with everything it costs; its result as the fields of the JSON line. */
    private Map<String, Object> measure(Contestant client, int baselineThreads) throws Exception {
        long heapBaseline = probe.isEmpty() ? 0 : ProcessStats.heapUsedAfterGc();
        Recorder recorder = new Recorder(3);
        long cpu0 = ProcessStats.cpuNanos();
        long alloc0 = ProcessStats.allocatedBytes();
        Profile profile = Profile.start(Args.string(args, "jfr", ""));
        OtherLoad others = OtherLoad.start(Args.string(args, "server-pids", ""));
        ClosedLoop loop = new ClosedLoop(client, uris, expectBytes, requests, concurrency,
                TimeUnit.SECONDS.toNanos(Args.integer(args, "seconds", 10)), recorder);
        loop.start();
        Map<String, Object> heap = probe.isEmpty() ? Map.of() : probeHeap(loop, probe, heapBaseline, requests);
        boolean finished = loop.await(GRACE_NANOS);
        double otherCores = others.otherCores();
        profile.stop();
        long cpu = ProcessStats.cpuNanos() - cpu0;
        long alloc = ProcessStats.allocatedBytes() - alloc0;
        Map<String, Object> result = result(loop, recorder.getIntervalHistogram(), cpu, alloc,
                ProcessStats.peakThreads() - baselineThreads);
        result.put("other_cores", Math.round(otherCores * 100) / 100.0);
        result.putAll(heap);
        if (!finished) {
            result.put("unfinished", loop.issued() - loop.ended());
        }
        return result;
    }

    /** The URL itself, or the same URL on 127.0.0.1 .. 127.0.0.n. */
    private static URI[] origins(URI url, int n) {
        if (n <= 1) {
            return new URI[] {url};
        }
        if (!"127.0.0.1".equals(url.getHost()) || n > 254) {
            throw new IllegalArgumentException("--origins needs a URL on 127.0.0.1 and at most 254 origins");
        }
        URI[] uris = new URI[n];
        for (int i = 0; i < n; i++) {
            uris[i] = URI.create(url.toString().replace("//127.0.0.1", "//127.0.0." + (i + 1)));
        }
        return uris;
    }

    private Map<String, Object> result(ClosedLoop loop, Histogram h, long cpuNanos, long allocBytes, int threads) {
        int ended = Math.max(1, loop.ended());
        double seconds = loop.elapsedNanos() / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", Args.string(args, "scenario", "adhoc"));
        r.put("client", name);
        r.put("round", Args.integer(args, "round", 1));
        r.put("concurrency", settings.concurrency());
        r.put("per_host", settings.perHost());
        r.put("protocol", settings.protocol().toString() + (settings.tls() ? "+tls" : ""));
        if (settings.h2()) {
            r.put("streams", settings.streams());
        }
        r.put("origins", settings.origins());
        if (settings.proxied()) {
            r.put("proxy", settings.proxy().toString());
        }
        if (settings.connectionClose()) {
            r.put("connection_close", 1);
        }
        r.put("requests", loop.ended());
        r.put("ok", loop.ok());
        r.put("errors", loop.errors());
        r.put("seconds", round(seconds, 3));
        r.put("rps", round(loop.ok() / Math.max(seconds, 1e-9), 0));
        r.put("p50_ms", micros(h.getValueAtPercentile(50)));
        r.put("p99_ms", micros(h.getValueAtPercentile(99)));
        r.put("p999_ms", micros(h.getValueAtPercentile(99.9)));
        r.put("max_ms", micros(h.getMaxValue()));
        r.put("cpu_s_per_1k", round(cpuNanos / 1e9 / ended * 1000, 4));
        r.put("alloc_b_per_req", round((double) allocBytes / ended, 0));
        r.put("rss_mb", round(ProcessStats.peakRssBytes() / 1048576.0, 1));
        r.put("threads", threads);
        return r;
    }

    /**
     * Waits (bounded) until the slow server holds nearly every measured request, or the first one
     * is answered, then measures the heap the requests in flight take. When connecting takes
     * longer than the hold, fewer are held at once: {@code held_at_probe} says how many.
     */
    private static Map<String, Object> probeHeap(ClosedLoop loop, String statsUrl, long baseline, int requests)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int held;
        do {
            held = serverHeld(URI.create(statsUrl));
            if (held >= requests * 0.99) {
                break;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < until && loop.ended() == 0);
        int inFlight = loop.issued() - loop.ended();
        long heap = ProcessStats.heapUsedAfterGc();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("held_at_probe", held);
        r.put("in_flight_at_probe", inFlight);
        r.put("heap_mb_at_probe", round(heap / 1048576.0, 1));
        r.put("heap_b_per_inflight", inFlight == 0 ? -1 : Math.round((double) (heap - baseline) / inFlight));
        return r;
    }

    /** The slow server's count of held requests, asked over a plain socket so no client under test is involved. */
    private static int serverHeld(URI stats) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(stats.getHost(), stats.getPort()), 2000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + stats.getPath() + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return Integer.parseInt(reply.substring(reply.indexOf("\r\n\r\n") + 4).trim());
        } catch (IOException | RuntimeException unavailable) {
            return -1;
        }
    }

    private static String markdownRow(Map<String, Object> r) {
        return String.format(Locale.ROOT, "| %s | %s | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s |",
                r.get("scenario"), r.get("client"), ((Number) r.get("rps")).doubleValue(),
                r.get("p50_ms"), r.get("p99_ms"), r.get("p999_ms"), r.get("cpu_s_per_1k"),
                r.get("alloc_b_per_req"), r.get("rss_mb"), r.get("threads"), r.get("errors"));
    }

    private static double micros(long nanos) {
        return round(nanos / 1e6, 3);
    }

    private static double round(double v, int places) {
        double scale = Math.pow(10, places);
        return Math.round(v * scale) / scale;
    }
}
