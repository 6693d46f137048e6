package dev.multifetch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many cores other work used while a phase ran: the machine's busy time ({@code /proc/stat})
 * less this JVM's CPU time and the servers' (their pids given), over the phase's wall time. On a
 * shared 2-core machine a value well above 0 means the result is disturbed. Linux only; USER_HZ
 * is taken as 100, as on every mainstream Linux.
 */
final class OtherLoad {

    private static final double TICK_NANOS = 1e9 / 100;

    private final long[] serverPids;
    private final long startNanos;
    private final long startBusyTicks;
    private final long startServerTicks;
    private final long startOwnNanos;

    private OtherLoad(long[] serverPids) {
        this.serverPids = serverPids;
        this.startNanos = System.nanoTime();
        this.startBusyTicks = machineBusyTicks();
        this.startServerTicks = serverTicks(serverPids);
        this.startOwnNanos = ProcessStats.cpuNanos();
    }

    /** Starts measuring; {@code pids} is a comma-separated list of server process ids (may be empty). */
    static OtherLoad start(String pids) {
        return new OtherLoad(pids.isBlank() ? new long[0]
                : java.util.Arrays.stream(pids.split(",")).mapToLong(p -> Long.parseLong(p.strip())).toArray());
    }

    /** Cores used by other processes since the start, or -1 where /proc cannot be read. */
    double otherCores() {
        long busy = machineBusyTicks();
        if (busy < 0 || startBusyTicks < 0) {
            return -1;
        }
        double wall = System.nanoTime() - startNanos;
        double machine = (busy - startBusyTicks) * TICK_NANOS;
        double servers = (serverTicks(serverPids) - startServerTicks) * TICK_NANOS;
        double own = ProcessStats.cpuNanos() - startOwnNanos;
        return Math.max(0, (machine - servers - own) / wall);
    }

    /** Busy ticks of all cores: user, nice, system, irq, softirq, steal. */
    private static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
        } catch (IOException | RuntimeException unreadable) {
            return -1;
        }
    }

    /** User and system ticks of the given processes, those that have ended counting 0. */
    private static long serverTicks(long[] pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException gone) {
                // an ended process adds nothing
            }
        }
        return sum;
    }
}
