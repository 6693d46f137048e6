package dev.multifetch.sample.dashboard;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.multifetch.autoconfigure.kafka.JobWorker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The dashboard's Kafka worker panel, on an app that runs jobs (a {@link JobWorker}): what the
 * worker holds now, its busiest hosts, and the lag of each partition of the jobs topic it consumes,
 * read from Kafka's own client meter {@value #RECORDS_LAG} (which exists for a partition only once
 * it was assigned and fetched, and Micrometer looked: {@code multifetch.kafka.client-meters-refresh}).
 *
 * @param worker the app's worker
 * @param jobsTopic the topic it consumes
 * @param meters where Kafka's client meters are, or {@code null} for no lag
 */
public record WorkerPanel(JobWorker worker, String jobsTopic, MeterRegistry meters) {

    /**
     * The worker now.
     *
     * @param id who publishes the results: {@code pid@host}
     * @param inFlight jobs taken and not yet ended
     * @param uncommitted jobs taken whose offsets are not committed: what a crash now would redo
     * @param paused whether the worker paused its container for too many jobs in flight (back-pressure)
     * @param busiest the hosts with most jobs in flight, most first
     * @param lag the jobs waiting in each partition of the jobs topic whose lag is known, by partition
     */
    public record Worker(String id, int inFlight, int uncommitted, boolean paused, List<BusyHost> busiest,
            List<PartitionLag> lag) {
    }

    /**
     * A host the worker runs jobs to.
     *
     * @param host its politeness key (the host, or the registrable domain with {@code key-by=domain})
     * @param jobs its jobs in flight
     */
    public record BusyHost(String host, int jobs) {
    }

    /**
     * The jobs waiting in one partition.
     *
     * @param topic the jobs topic
     * @param lag records after the worker's position in it
     */
    public record PartitionLag(String topic, int partition, long lag) {
    }

    /** Most busy hosts the panel lists. */
    static final int HOSTS_SHOWN = 5;

    /**
     * Kafka's records-lag of a partition, as Micrometer's binder names it (tags {@code topic}, the
     * topic's name, and {@code partition}; Kafka 4 also keeps a deprecated twin of a dotted topic's,
     * its dots as underscores, which this leaves out).
     */
    static final String RECORDS_LAG = "kafka.consumer.fetch.manager.records.lag";

    /** The worker now. */
    public Worker snapshot() {
        List<BusyHost> busiest = this.worker.busiestKeys(HOSTS_SHOWN)
            .stream()
            .map((entry) -> new BusyHost(entry.getKey(), entry.getValue()))
            .toList();
        return new Worker(this.worker.workerId(), this.worker.inFlight(), this.worker.uncommitted(), this.worker.isPaused(),
                busiest, lag());
    }

    /**
     * The lag of each partition of the jobs topic with a lag gauge that has a value, by partition: the largest
     * when consumers of more than one thread had it, none that is NaN (a partition no longer fetched) or negative.
     */
    private List<PartitionLag> lag() {
        if (this.meters == null) {
            return List.of();
        }
        Map<Integer, Long> byPartition = new TreeMap<>();
        for (Gauge gauge : this.meters.find(RECORDS_LAG).tag("topic", this.jobsTopic).gauges()) {
            String partition = gauge.getId().getTag("partition");
            double value = gauge.value();
            if (partition != null && !Double.isNaN(value) && value >= 0) {
                byPartition.merge(Integer.parseInt(partition), (long) value, Math::max);
            }
        }
        return byPartition.entrySet()
            .stream()
            .map((entry) -> new PartitionLag(this.jobsTopic, entry.getKey(), entry.getValue()))
            .toList();
    }
}
