package dev.multifetch.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording for the report: CPU samples by thread, by top frame and by the
 * multifetch methods on the stack (inclusive), native samples (I/O and waiting), and sampled
 * allocation weight by allocated class at the first multifetch frame and by top frame.
 *
 * <pre>java -cp ... dev.multifetch.bench.JfrTop recording.jfr [rows]</pre>
 */
public final class JfrTop {

    private static final String OURS = "dev.multifetch.core.";
    private static final String DRIVER = "dev.multifetch.bench.";

    private final Map<String, Long> samplesByThread = new HashMap<>();
    private final Map<String, Long> selfSamples = new HashMap<>();
    private final Map<String, Long> oursInclusive = new HashMap<>();
    private final Map<String, Long> allocBySite = new HashMap<>();
    private final Map<String, Long> allocByTop = new HashMap<>();
    private final Map<String, Long> allocByThread = new HashMap<>();
    private final Map<String, Long> nativeByTop = new HashMap<>();
    private long samples;
    private long nativeSamples;
    private long allocWeight;

    public static void main(String[] argv) throws IOException {
        if (argv.length < 1) {
            System.err.println("usage: JfrTop recording.jfr [rows]");
            System.exit(2);
        }
        JfrTop top = new JfrTop();
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(argv[0]))) {
            top.add(e);
        }
        top.print(argv.length > 1 ? Integer.parseInt(argv[1]) : 20);
    }

    private void add(RecordedEvent e) {
        String type = e.getEventType().getName();
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
            return;
        }
        List<RecordedFrame> frames = stack.getFrames();
        String thread = threadName(e, e.hasField("sampledThread") ? "sampledThread" : "eventThread");
        if (type.equals("jdk.NativeMethodSample")) {
            nativeSamples++;
            nativeByTop.merge(thread + ": " + name(frames.get(0)), 1L, Long::sum);
        } else if (type.equals("jdk.ExecutionSample")) {
            samples++;
            samplesByThread.merge(thread, 1L, Long::sum);
            selfSamples.merge(name(frames.get(0)), 1L, Long::sum);
            frames.stream().map(JfrTop::name).filter(n -> n.startsWith(OURS)).distinct()
                    .forEach(n -> oursInclusive.merge(n, 1L, Long::sum));
        } else if (type.equals("jdk.ObjectAllocationSample")) {
            long weight = e.getLong("weight");
            allocWeight += weight;
            String cls = e.getClass("objectClass").getName();
            String site = frames.stream().map(JfrTop::name).filter(n -> n.startsWith(OURS) || n.startsWith(DRIVER))
                    .findFirst().orElse(name(frames.get(0)));
            allocBySite.merge(cls + " at " + site, weight, Long::sum);
            allocByTop.merge(cls + " in " + name(frames.get(0)), weight, Long::sum);
            allocByThread.merge(thread, weight, Long::sum);
        }
    }

    private static String threadName(RecordedEvent e, String field) {
        var t = e.getThread(field);
        return t == null || t.getJavaName() == null ? "?" : t.getJavaName().replaceAll("-\\d+$", "-N");
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private void print(int rows) {
        System.out.printf(Locale.ROOT, "CPU samples: %d%n", samples);
        table("CPU samples by thread", samplesByThread, samples, rows, Function.identity());
        table("CPU samples by top frame (self)", selfSamples, samples, rows, Function.identity());
        table("CPU samples with a multifetch method on the stack (inclusive)", oursInclusive, samples, rows, Function.identity());
        System.out.printf(Locale.ROOT, "%nNative method samples (threads waiting or in I/O): %d%n", nativeSamples);
        table("Native samples by thread and top frame", nativeByTop, nativeSamples, rows, Function.identity());
        System.out.printf(Locale.ROOT, "%nSampled allocation weight: %,d MB%n", allocWeight >> 20);
        table("Allocation by thread", allocByThread, allocWeight, rows, Function.identity());
        table("Allocation by class at the first multifetch frame (core, or bench = the load driver)", allocBySite, allocWeight, rows, Function.identity());
        table("Allocation by class and top frame", allocByTop, allocWeight, rows, Function.identity());
    }

    private static void table(String title, Map<String, Long> counts, long total, int rows, Function<String, String> label) {
        System.out.printf(Locale.ROOT, "%n%s%n", title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(rows)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total),
                        label.apply(e.getKey())));
    }
}
