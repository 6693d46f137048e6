package dev.multifetch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this JVM has spent so far: process CPU time, bytes allocated by all threads (living and
 * ended), live and peak thread counts, peak resident set size. Linux and HotSpot only.
 */
final class ProcessStats {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ProcessStats() {
    }

    /** CPU time of the whole process (all threads, JIT and GC included), in nanoseconds. */
    static long cpuNanos() {
        return OS.getProcessCpuTime();
    }

    /**
     * Heap bytes allocated by every thread since the JVM started, ended threads included
     * ({@code getTotalThreadAllocatedBytes}, JDK 14+); TLAB-granular, so an approximation.
     */
    static long allocatedBytes() {
        return THREADS.getTotalThreadAllocatedBytes();
    }

    /** Java threads alive now. */
    static int liveThreads() {
        return THREADS.getThreadCount();
    }

    /** Starts counting the peak of live threads afresh from now. */
    static void resetPeakThreads() {
        THREADS.resetPeakThreadCount();
    }

    /** Most Java threads alive at once since the last reset. */
    static int peakThreads() {
        return THREADS.getPeakThreadCount();
    }

    /** Heap in use after a full collection, in bytes. */
    static long heapUsedAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Peak resident set size of this process ({@code VmHWM}), in bytes; -1 where unknown. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException unreadable) {
            return -1;
        }
        return -1;
    }
}
