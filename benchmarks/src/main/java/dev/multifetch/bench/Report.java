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
 * measure over the rounds and each contestant's throughput ratio to wrk and to multifetch (the
 * median of the ratios within each round, not the ratio of the medians). "other
 * cores" is how many cores processes other than the client and the server used during the run:
 * above about 0.1 on a 2-core machine the run shared its cores with other work.
 *
 * <pre>java -cp ... dev.multifetch.bench.Report results.jsonl</pre>
 */
public final class Report {

    private static final Map<String, String> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("small", "1 KiB, 64 in flight");
        SCENARIOS.put("medium", "16 KiB, 64 in flight");
        SCENARIOS.put("large", "1 MiB, 8 in flight");
        SCENARIOS.put("wide", "1 KiB, 10,000 connections in flight");
        SCENARIOS.put("origins", "1 KiB, 100 origins, 2 per origin, 400 in flight");
        SCENARIOS.put("scale", "10,000 held ~1 s");
    }

    private static final List<String> FIRST = List.of("wrk", "libcurl", "multifetch", "multifetch-direct", "multifetch-stream");

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
                String toWrk = ratio(s, client, "wrk");
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
        out.append("| client | req/s | × wrk | × multifetch | p50 ms | p99 ms | p99.9 ms | CPU s / 1k req | B / req | peak RSS MB | threads | failed | other cores | rounds |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        byClient.forEach((client, m) -> out.append(String.format(Locale.ROOT,
                "| %s | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |%n",
                client, m.get("rps"), ratio(scenario, client, "wrk"), ratio(scenario, client, "multifetch"),
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

    /**
     * The median over rounds of {@code client}'s req/s divided by {@code base}'s in the same round:
     * other work on the machine then weighs on both sides of each ratio alike.
     */
    private String ratio(String scenario, String client, String base) {
        Map<String, Map<Double, Double>> byClient = rpsByRound.getOrDefault(scenario, Map.of());
        Map<Double, Double> mine = byClient.getOrDefault(client, Map.of());
        Map<Double, Double> theirs = byClient.getOrDefault(base, Map.of());
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
