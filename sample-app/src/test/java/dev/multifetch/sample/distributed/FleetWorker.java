package dev.multifetch.sample.distributed;

import dev.multifetch.autoconfigure.kafka.JobWorker;
import dev.multifetch.sample.SampleApplication;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker of the sample app in a JVM of its own, for the crash test: runs the app with the
 * arguments given, then prints its state every 20 ms on a line of its own:
 * {@code state owned=P inflight=J uncommitted=U}, where owned is the jobs partitions it holds and
 * uncommitted the jobs it took whose offsets are not committed (what a crash now would redo).
 */
public final class FleetWorker {

    private FleetWorker() {
    }

    public static void main(String[] args) throws InterruptedException {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class, Fleet.TestHosts.class).run(args);
        JobWorker worker = app.getBean(JobWorker.class);
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        while (app.isRunning()) {
            double owned = count(meters, "assigned") - count(meters, "revoked") - count(meters, "lost");
            System.out.println("state owned=" + (int) owned + " inflight=" + worker.inFlight() + " uncommitted=" + worker.uncommitted());
            Thread.sleep(20);
        }
    }

    private static double count(MeterRegistry meters, String type) {
        return meters.get("multifetch.kafka.rebalances").tag("type", type).counter().count();
    }
}
