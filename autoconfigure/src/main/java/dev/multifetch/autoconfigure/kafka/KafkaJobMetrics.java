package dev.multifetch.autoconfigure.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The Kafka worker's meters, named like the engine's ({@code multifetch.*}):
 * {@value #IN_FLIGHT} and {@value #UNCOMMITTED} (gauges), {@value #PAUSED} (1 while the
 * container is paused for too many jobs in flight), {@value #COMPLETED} tagged {@code outcome},
 * {@value #QUEUE_TIME} (submission to start), {@value #DEAD_LETTERS} tagged {@code reason},
 * {@value #SEND_RETRIES}, {@value #REBALANCES} tagged {@code type} ({@code assigned},
 * {@code revoked}, {@code lost}), {@value #BUSIEST_HOSTS} tagged {@code host} for this worker's
 * {@value #BUSIEST} busiest hosts (refreshed every 5 s, so the series stay few) and, on the
 * reading side, {@value #DUPLICATES}. Kafka's own client
 * meters (lag per partition among them) come from Spring Boot's Kafka metrics.
 */
public final class KafkaJobMetrics implements JobEvents, AutoCloseable {

    static final String IN_FLIGHT = "multifetch.kafka.jobs.inflight";
    static final String UNCOMMITTED = "multifetch.kafka.jobs.uncommitted";
    static final String PAUSED = "multifetch.kafka.container.paused";
    static final String COMPLETED = "multifetch.kafka.jobs.completed";
    static final String QUEUE_TIME = "multifetch.kafka.job.queue.time";
    static final String DEAD_LETTERS = "multifetch.kafka.dlt.sent";
    static final String SEND_RETRIES = "multifetch.kafka.send.retries";
    static final String REBALANCES = "multifetch.kafka.rebalances";
    static final String DUPLICATES = "multifetch.kafka.results.duplicates";
    static final String BUSIEST_HOSTS = "multifetch.kafka.hosts.inflight";

    /** How many of the busiest hosts {@value #BUSIEST_HOSTS} shows: a bounded number of series. */
    static final int BUSIEST = 10;

    private static final long REFRESH_SECONDS = 5;

    private static final java.util.Map<String, String> DESCRIPTIONS = java.util.Map.of(
            COMPLETED, "Jobs whose result was published, by how they ended",
            DEAD_LETTERS, "Jobs sent to the dead-letter topic, by why",
            REBALANCES, "Partitions of the jobs topic assigned to, revoked from or lost by a worker");

    private final MeterRegistry registry;
    /** Held here: a gauge keeps only a weak reference to what it reads. */
    private final ObjectProvider<JobWorker> worker;
    private final Timer queueTime;
    private final Counter sendRetries;
    private final Counter duplicates;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final MultiGauge busiest;
    private final ScheduledExecutorService refresh;

    /** Meters on {@code registry}; the gauges read the worker, when this instance has one. */
    public KafkaJobMetrics(MeterRegistry registry, ObjectProvider<JobWorker> worker) {
        this.registry = registry;
        this.worker = worker;
        this.queueTime = Timer.builder(QUEUE_TIME)
            .description("Time from a job's submission to a worker starting it")
            .register(registry);
        this.sendRetries = Counter.builder(SEND_RETRIES)
            .description("Results or dead letters published again after a failed send")
            .register(registry);
        this.duplicates = Counter.builder(DUPLICATES)
            .description("Results dropped by a reader because their job id was seen before")
            .register(registry);
        for (JobOutcome.Kind kind : JobOutcome.Kind.values()) {
            counter(COMPLETED, "outcome", kind.tag());
        }
        List.of("assigned", "revoked", "lost").forEach((type) -> counter(REBALANCES, "type", type));
        List.of("undecodable", "unpublishable", "unrunnable").forEach((reason) -> counter(DEAD_LETTERS, "reason", reason));
        Gauge.builder(IN_FLIGHT, this.worker, (w) -> gauge(w, JobWorker::inFlight))
            .description("Jobs a worker took and has not finished")
            .register(registry);
        Gauge.builder(UNCOMMITTED, this.worker, (w) -> gauge(w, JobWorker::uncommitted))
            .description("Jobs a worker took whose offsets are not committed: redone if it crashed now")
            .register(registry);
        this.busiest = MultiGauge.builder(BUSIEST_HOSTS)
            .description("Jobs in flight on this worker for each of its " + BUSIEST + " busiest hosts (politeness keys)")
            .register(registry);
        this.refresh = Executors.newSingleThreadScheduledExecutor((task) -> JobWorker.daemon(task, "multifetch-kafka-meters"));
        this.refresh.scheduleWithFixedDelay(this::refreshBusiest, 0, REFRESH_SECONDS, TimeUnit.SECONDS);
        Gauge.builder(PAUSED, this.worker, (w) -> gauge(w, (jobs) -> jobs.isPaused() ? 1 : 0))
            .description("1 while the worker's container is paused for too many jobs in flight")
            .register(registry);
    }

    /** Re-registers the busiest hosts' rows: hosts that left the top drop out. */
    void refreshBusiest() {
        JobWorker jobs = this.worker.getIfAvailable();
        List<MultiGauge.Row<?>> rows = (jobs == null) ? List.of() : jobs.busiestKeys(BUSIEST).stream()
            .map((entry) -> MultiGauge.Row.of(Tags.of("host", entry.getKey()), entry.getValue()))
            .collect(Collectors.toList());
        this.busiest.register(rows, true);
    }

    @Override
    public void close() {
        this.refresh.shutdownNow();
    }

    private static double gauge(ObjectProvider<JobWorker> worker, java.util.function.ToIntFunction<JobWorker> read) {
        JobWorker jobs = worker.getIfAvailable();
        return (jobs != null) ? read.applyAsInt(jobs) : 0;
    }

    private Counter counter(String name, String tag, String value) {
        return this.counters.computeIfAbsent(name + "|" + value, (key) -> Counter.builder(name).tag(tag, value)
            .description(DESCRIPTIONS.get(name))
            .register(this.registry));
    }

    @Override
    public void jobStarted(Duration queueTime) {
        this.queueTime.record(queueTime);
    }

    @Override
    public void jobCompleted(JobOutcome.Kind outcome) {
        counter(COMPLETED, "outcome", outcome.tag()).increment();
    }

    @Override
    public void deadLettered(String reason) {
        counter(DEAD_LETTERS, "reason", reason).increment();
    }

    @Override
    public void sendRetried() {
        this.sendRetries.increment();
    }

    @Override
    public void rebalanced(String type, int partitions) {
        counter(REBALANCES, "type", type).increment(partitions);
    }

    @Override
    public void duplicateDropped() {
        this.duplicates.increment();
    }
}
