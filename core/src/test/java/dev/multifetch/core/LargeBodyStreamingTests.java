package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.GigabyteDownload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming a body far larger than the heap: a child JVM capped at 256 MiB fetches 1 GiB over
 * loopback into a consumer that keeps nothing, so nothing on the way may buffer the body.
 */
class LargeBodyStreamingTests {

    private static final Duration CHILD_LIMIT = Duration.ofSeconds(50);

    @Test
    @Timeout(60)
    void aGibibyteStreamsToAConsumerInAJvmWithA256MibHeap(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("child.out");
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"),
                GigabyteDownload.class.getName()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long start = System.nanoTime();
        boolean exited = child.waitFor(CHILD_LIMIT.toSeconds(), TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly().waitFor();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String printed = Files.readString(output);

        assertThat(exited).as("child exited within %s; it printed: %s", CHILD_LIMIT, printed).isTrue();
        assertThat(child.exitValue()).as("exit code; the child printed: %s (took %s)", printed, took).isZero();
        assertThat(printed).contains("bytes=" + GigabyteDownload.GIBIBYTE).contains("mismatchAt=-1");
        long maxHeap = Long.parseLong(printed.replaceAll("(?s).*maxHeap=(\\d+).*", "$1"));
        assertThat(maxHeap).isLessThanOrEqualTo(256L * 1024 * 1024);
    }
}
