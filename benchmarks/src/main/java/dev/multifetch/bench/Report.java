package dev.multifetch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the JSON result lines of a run (one per contestant, scenario and round) and prints
 * Markdown: a summary like the README's, then one table per scenario with the median of every
 * measure over the rounds and each contestant's throughput ratio to the scenario's ceiling (wrk,
 * or h2load in the HTTP/2 scenarios) and to multifetch (the median of the ratios within each
 * round, not the ratio of the medians). The HTTP/2 and TLS scenarios end with the ratios the
 * README defines for them: multifetch to the ceiling, to the best Java peer, and (one connection
 * of h2 against ten of HTTP/1.1) to multifetch-h1. A scenario through a proxy ({@code proxy-small})
 * ends with each client's throughput through the proxy over its own direct figure (in
 * {@code small}, same round). "other
 * cores" is how many cores processes other than the client and the server used during the run:
 * above about 0.1 on a 2-core machine the run shared its cores with other work.
 *
 * <pre>java -cp ... dev.multifetch.bench.Report results.jsonl</pre>
 */
public final class Report {

    private static final Map<String, String> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("small", "1 KiB, 64 in flight");
        SCENARIOS.put("proxy-small", "1 KiB, 64 in flight, through tinyproxy");
        SCENARIOS.put("medium", "16 KiB, 64 in flight");
        SCENARIOS.put("large", "1 MiB, 8 in flight");
        SCENARIOS.put("wide", "1 KiB, 10,000 connections in flight");
        SCENARIOS.put("origins", "1 KiB, 100 origins, 2 per origin, 400 in flight");
        SCENARIOS.put("scale", "10,000 held ~1 s");
        SCENARIOS.put("h2c-small", "1 KiB, h2c, 1 connection x 100 streams");
        SCENARIOS.put("h2c-small-4x32", "1 KiB, h2c, 4 connections x 32 streams");
        SCENARIOS.put("h2-tls-small", "1 KiB, h2 over TLS, 1 connection x 100 streams");
        SCENARIOS.put("https-small", "1 KiB, HTTP/1.1 over TLS, 64 in flight");
    }

    /** The prefix of a scenario run through the proxy; the rest names its direct twin. */
    private static final String PROXIED = "proxy-";

    private static final List<String> FIRST = List.of("wrk", "h2load", "libcurl", "multifetch", "multifetch-direct",
            "multifetch-stream", "multifetch-h1");
    /** The peers "best Java peer" is chosen from: neither multifetch nor a ceiling nor libcurl. */
    private static final List<String> JAVA_PEERS = List.of("jdk", "apache", "jetty", "reactor-netty", "okhttp");

    /** scenario → client → medians. */
    private final Map<String, Map<String, Map<String, Double>>> medians = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> rounds = new LinkedHashMap<>();
    /** scenario → client → round → req/s. */
    private final Map<String, Map<String, Map<Double, Double>>> rpsByRound = new LinkedHashMap<>();

    private Report(List<Map<String, Object>> results) {
        Map<String, Map<String, List<Map<String, Object>>>> grouped = new TreeMap<>(Comparator.comparingInt(Report::scenarioOrder)
                .thenComparing(Comparator.naturalOrder()));
        for (Map<String, Object> r : results) {
            grouped.computeIfAbsent((String) r.get("scenario"), k -> new TreeMap<>(Comparator.comparingInt(Report::clientOrder)
                    .thenComparing(Comparator.naturalOrder()))).computeIfAbsent((String) r.get("client"), k -> new ArrayList<>()).add(r);
        }
        grouped.forEach((scenario, byClient) -> byClient.forEach((client, runs) -> {
            medians.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).put(client, median(runs));
            rounds.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).put(client, runs.size());
            Map<Double, Double> perRound = rpsByRound.computeIfAbsent(scenario, k -> new LinkedHashMap<>())
                    .computeIfAbsent(client, k -> new TreeMap<>());
            runs.forEach(r -> perRound.put((Double) r.get("round"), (Double) r.get("rps")));
        }));
    }

    public static void main(String[] argv) throws IOException {
        if (argv.length != 1) {
            System.err.println("usage: Report results.jsonl");
            System.exit(2);
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(argv[0]))) {
            if (line.startsWith("{")) {
                results.add(Json.parse(line));
            }
        }
        System.out.print(new Report(results).markdown());
    }

    private String markdown() {
        StringBuilder out = new StringBuilder();
        summary(out);
        medians.forEach((scenario, byClient) -> {
            out.append("\n#### ").append(scenario).append(describe(scenario)).append("\n\n");
            if (scenario.equals("scale")) {
                scaleTable(out, scenario, byClient);
            } else {
                loadTable(out, scenario, byClient);
            }
            if (scenario.startsWith("h2") || scenario.startsWith("https")) {
                h2Ratios(out, scenario, byClient);
            }
            if (scenario.startsWith(PROXIED)) {
                proxyRatios(out, scenario, byClient);
            }
        });
        return out.toString();
    }

    private void summary(StringBuilder out) {
        List<String> loads = new ArrayList<>(medians.keySet());
        loads.remove("scale");
        List<String> clients = new ArrayList<>();
        medians.values().forEach(m -> m.keySet().stream().filter(c -> !clients.contains(c)).forEach(clients::add));
        clients.sort(Comparator.comparingInt(Report::clientOrder).thenComparing(Comparator.naturalOrder()));
        out.append("| client |");
        loads.forEach(s -> out.append(' ').append(s).append(describe(s)).append(" |"));
        if (medians.containsKey("scale")) {
            out.append(" scale: ok, RSS, threads |");
        }
        out.append("\n|---|");
        loads.forEach(s -> out.append("---|"));
        out.append(medians.containsKey("scale") ? "---|\n" : "\n");
        for (String client : clients) {
            out.append("| ").append(client).append(" |");
            for (String s : loads) {
                Map<String, Double> m = medians.get(s).get(client);
                String toWrk = ratio(s, client, ceiling(s));
                out.append(m == null ? " – |" : String.format(Locale.ROOT, " %s%s |", kilo(m.get("rps")),
                        toWrk.equals("–") ? "" : " (" + toWrk + ")"));
            }
            if (medians.containsKey("scale")) {
                Map<String, Double> m = medians.get("scale").get(client);
                out.append(m == null ? " – |" : String.format(Locale.ROOT, " %,.0f, %,.0f MB, %,.0f |",
                        m.get("ok"), m.get("rss_mb"), m.get("threads")));
            }
            out.append('\n');
        }
    }

    private void loadTable(StringBuilder out, String scenario, Map<String, Map<String, Double>> byClient) {
        out.append("| client | req/s | × ").append(ceiling(scenario)).append(" | × multifetch | p50 ms | p99 ms | p99.9 ms | CPU s / 1k req | B / req | peak RSS MB | threads | failed | other cores | rounds |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        byClient.forEach((client, m) -> out.append(String.format(Locale.ROOT,
                "| %s | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |%n",
                client, m.get("rps"), ratio(scenario, client, ceiling(scenario)), ratio(scenario, client, "multifetch"),
                num(m, "p50_ms", 2), num(m, "p99_ms", 2), num(m, "p999_ms", 2), num(m, "cpu_s_per_1k", 3),
                num(m, "alloc_b_per_req", 0), num(m, "rss_mb", 0), num(m, "threads", 0), num(m, "errors", 0),
                num(m, "other_cores", 2), rounds.get(scenario).get(client))));
    }

    private void scaleTable(StringBuilder out, String scenario, Map<String, Map<String, Double>> byClient) {
        out.append("| client | ok | failed | held at probe | heap B / in-flight | peak RSS MB | threads | CPU s / 1k req | p50 ms | p99 ms | other cores | rounds |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        byClient.forEach((client, m) -> out.append(String.format(Locale.ROOT,
                "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |%n",
                client, num(m, "ok", 0), num(m, "errors", 0), num(m, "held_at_probe", 0), num(m, "heap_b_per_inflight", 0),
                num(m, "rss_mb", 0), num(m, "threads", 0), num(m, "cpu_s_per_1k", 3), num(m, "p50_ms", 0),
                num(m, "p99_ms", 0), num(m, "other_cores", 2), rounds.get(scenario).get(client))));
    }

    /** The ceiling a scenario's ratios are taken to: h2load where it ran, else wrk. */
    private String ceiling(String scenario) {
        return medians.getOrDefault(scenario, Map.of()).containsKey("h2load") ? "h2load" : "wrk";
    }

    /**
     * The ratios of the HTTP/2 and TLS scenarios: multifetch to the ceiling, to the Java peer with
     * the highest median req/s, and to multifetch-h1 where it ran (h2 on one connection against
     * HTTP/1.1 on ten).
     */
    private void h2Ratios(StringBuilder out, String scenario, Map<String, Map<String, Double>> byClient) {
        if (!byClient.containsKey("multifetch")) {
            return;
        }
        String best = JAVA_PEERS.stream().filter(byClient::containsKey)
                .max(Comparator.comparingDouble(c -> byClient.get(c).get("rps"))).orElse(null);
        out.append('\n').append("multifetch ÷ ").append(ceiling(scenario)).append(": ")
                .append(ratio(scenario, "multifetch", ceiling(scenario)));
        if (best != null) {
            out.append("; ÷ best Java peer (").append(best).append("): ").append(ratio(scenario, "multifetch", best));
        }
        if (byClient.containsKey("multifetch-h1")) {
            out.append("; ÷ multifetch-h1 (HTTP/1.1, ").append(num(byClient.get("multifetch-h1"), "per_host", 0))
                    .append(" connections): ").append(ratio(scenario, "multifetch", "multifetch-h1"));
        }
        out.append('\n');
    }

    /**
     * Each client's req/s through the proxy over its own direct req/s: {@code proxy-small} over
     * {@code small}, round by round, for the clients that ran both.
     */
    private void proxyRatios(StringBuilder out, String scenario, Map<String, Map<String, Double>> byClient) {
        String direct = scenario.substring(PROXIED.length());
        List<String> parts = new ArrayList<>();
        byClient.keySet().forEach(client -> {
            String r = ratio(roundRps(scenario, client), roundRps(direct, client));
            if (!r.equals("–")) {
                parts.add(client + " " + r);
            }
        });
        if (!parts.isEmpty()) {
            out.append("\nthrough the proxy ÷ direct (").append(direct).append(", same round): ")
                    .append(String.join(", ", parts)).append('\n');
        }
    }

    /** {@code client}'s req/s in {@code scenario}, by round. */
    private Map<Double, Double> roundRps(String scenario, String client) {
        return rpsByRound.getOrDefault(scenario, Map.of()).getOrDefault(client, Map.of());
    }

    /**
     * The median over rounds of {@code client}'s req/s divided by {@code base}'s in the same round:
     * other work on the machine then weighs on both sides of each ratio alike.
     */
    private String ratio(String scenario, String client, String base) {
        return ratio(roundRps(scenario, client), roundRps(scenario, base));
    }

    /** The median over the rounds both ran of {@code mine} divided by {@code theirs}, or "–". */
    private static String ratio(Map<Double, Double> mine, Map<Double, Double> theirs) {
        List<Double> ratios = new ArrayList<>();
        mine.forEach((round, rps) -> {
            Double b = theirs.get(round);
            if (b != null && b > 0) {
                ratios.add(rps / b);
            }
        });
        if (ratios.isEmpty()) {
            return "–";
        }
        ratios.sort(null);
        int n = ratios.size();
        double median = n % 2 == 1 ? ratios.get(n / 2) : (ratios.get(n / 2 - 1) + ratios.get(n / 2)) / 2;
        return String.format(Locale.ROOT, "%.2f", median);
    }

    private static String num(Map<String, Double> m, String key, int places) {
        Double v = m.get(key);
        return v == null ? "–" : String.format(Locale.ROOT, "%,." + places + "f", v);
    }

    private static String kilo(double v) {
        return v >= 10_000 ? String.format(Locale.ROOT, "%.1fk", v / 1000) : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String describe(String scenario) {
        String d = SCENARIOS.get(scenario);
        return d == null ? "" : " (" + d + ")";
    }

    /** The median of every numeric field over the runs; the mean of the middle two for an even count. */
    private static Map<String, Double> median(List<Map<String, Object>> runs) {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (Map<String, Object> run : runs) {
            run.forEach((k, v) -> {
                if (v instanceof Double d) {
                    values.computeIfAbsent(k, x -> new ArrayList<>()).add(d);
                }
            });
        }
        Map<String, Double> m = new LinkedHashMap<>();
        values.forEach((k, list) -> {
            list.sort(null);
            int n = list.size();
            m.put(k, n % 2 == 1 ? list.get(n / 2) : (list.get(n / 2 - 1) + list.get(n / 2)) / 2);
        });
        return m;
    }

    private static int scenarioOrder(String scenario) {
        int i = new ArrayList<>(SCENARIOS.keySet()).indexOf(scenario);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    private static int clientOrder(String client) {
        int i = FIRST.indexOf(client);
        return i < 0 ? FIRST.size() : i;
    }
}
