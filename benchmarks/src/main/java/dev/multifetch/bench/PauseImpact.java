package dev.multifetch.bench;

import dev.multifetch.core.BodyConsumer;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Headers;
import dev.multifetch.core.HttpVersion;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.TransferControl;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one paused download costs the others on the same HTTP/2 connection: N downloads of a large
 * file over one h2c connection, timed until the last of N-1 ends, once with all N flowing and
 * once with one of them paused at its first bytes (resumed after the others ended). Rounds
 * alternate the two; the figure is the median time of the N-1 with a pause over the median
 * without. Prints one JSON line.
 *
 * <p>Usage: {@code PauseImpact <url of a large file> [downloads=100] [rounds=5]}.
 */
public final class PauseImpact {

    private PauseImpact() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int downloads = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        MultiOptions options = MultiOptions.builder().httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE)
                .maxHostConnections(1).maxConcurrentStreams(downloads).timeout(Duration.ofMinutes(5)).build();
        List<Long> flowing = new ArrayList<>();
        List<Long> withPause = new ArrayList<>();
        try (FetchEngine engine = FetchEngine.builder().options(options).build()) {
            round(engine, url, downloads, false);
            for (int r = 0; r < rounds; r++) {
                flowing.add(round(engine, url, downloads, false));
                withPause.add(round(engine, url, downloads, true));
            }
        }
        double ratio = (double) median(withPause) / median(flowing);
        System.out.printf(Locale.ROOT, "{\"bench\":\"pause-impact\",\"downloads\":%d,\"rounds\":%d,"
                        + "\"flowingMs\":%d,\"withOnePausedMs\":%d,\"ratio\":%.3f}%n",
                downloads, rounds, median(flowing) / 1_000_000, median(withPause) / 1_000_000, ratio);
    }

    /** Nanoseconds until the last of the N-1 others ended. */
    private static long round(FetchEngine engine, String url, int downloads, boolean pauseOne) throws Exception {
        AtomicReference<TransferControl> paused = new AtomicReference<>();
        CompletableFuture<FetchResponse> slow = null;
        long start = System.nanoTime();
        if (pauseOne) {
            slow = engine.fetch(FetchRequest.builder(url).bodyConsumer(new Counting(true, paused)).build());
        }
        List<CompletableFuture<FetchResponse>> others = new ArrayList<>();
        for (int i = pauseOne ? 1 : 0; i < downloads; i++) {
            others.add(engine.fetch(FetchRequest.builder(url).bodyConsumer(new Counting(false, null)).build()));
        }
        long lastOtherEnded = 0;
        for (CompletableFuture<FetchResponse> f : pauseOne ? others : others.subList(1, others.size())) {
            f.get(5, TimeUnit.MINUTES);
            lastOtherEnded = System.nanoTime();
        }
        if (!pauseOne) {
            others.get(0).get(5, TimeUnit.MINUTES);
        } else {
            paused.get().resume();
            slow.get(5, TimeUnit.MINUTES);
        }
        return lastOtherEnded - start;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    /** Counts and drops the body; the pausing one holds at its first bytes and hands out its control. */
    private static final class Counting implements BodyConsumer {
        private final boolean pause;
        private final AtomicReference<TransferControl> control;
        private final AtomicLong bytes = new AtomicLong();
        private boolean held;

        Counting(boolean pause, AtomicReference<TransferControl> control) {
            this.pause = pause;
            this.control = control;
        }

        @Override
        public void onStart(int status, Headers headers, TransferControl transferControl) {
            if (control != null) {
                control.set(transferControl);
            }
        }

        @Override
        public boolean onData(ByteBuffer data) {
            bytes.addAndGet(data.remaining());
            data.position(data.limit());
            if (pause && !held) {
                held = true;
                return false;
            }
            return true;
        }
    }
}
