package dev.multifetch.sample.dashboard;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.multifetch.autoconfigure.HostHolds;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.sample.fetch.RecentTransfers;
import dev.multifetch.sample.fetch.RecentTransfers.Finished;
import dev.multifetch.sample.fetch.TransferRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Feeds the dashboard: every tick it samples the engine (running and pending handles,
 * connections, and from the starter's gauges HTTP/2 connections and streams) and counts the transfers that finished since the last tick, keeps the samples of
 * the last few minutes, and sends each subscriber a {@code tick} event with the new sample and the
 * fetches that finished, and the hosts the engine holds back now (from the starter's
 * {@link HostHolds}). A new subscriber first gets a {@code hello} event with the whole history,
 * the recent fetches, the held hosts, and the proxy the engine fetches through. On an app that runs
 * Kafka jobs both events carry the {@link WorkerPanel worker} too ({@code null} otherwise). Ticks
 * run on one daemon thread ({@code dashboard-feed}).
 */
public final class DashboardFeed implements SmartLifecycle {

    /**
     * One tick of the charts.
     *
     * @param time epoch milliseconds
     * @param http2Connections HTTP/2 connections open (a part of the active and idle ones)
     * @param http2Streams HTTP/2 streams open: requests in flight on those connections
     * @param succeeded transfers that ended with a response during this tick
     * @param failed transfers that ended with an error during this tick
     */
    public record Sample(long time, int running, int pending, int activeConnections, int idleConnections,
            int http2Connections, int http2Streams, long succeeded, long failed) {
    }

    /**
     * The first event of a stream.
     *
     * @param proxy the proxy the engine fetches through ({@code scheme://host:port}, never its
     * credentials), or {@code null} when it fetches direct
     * @param worker the Kafka worker now, or {@code null} when the app runs no jobs
     */
    public record Hello(long tickMs, String proxy, List<Sample> history, List<Finished> recent, List<HeldHost> hosts,
            WorkerPanel.Worker worker) {
    }

    /**
     * Every later event.
     *
     * @param worker the Kafka worker now, or {@code null} when the app runs no jobs
     */
    public record Tick(Sample sample, List<Finished> finished, List<HeldHost> hosts, WorkerPanel.Worker worker) {
    }

    /**
     * A host the engine holds back now.
     *
     * @param host its origin ({@code scheme://host:port}), or the politeness key a block is on
     * @param waiting transfers waiting to start to it: paced, blocked, or waiting for a connection slot
     * @param blockedMs how long a {@code Retry-After} still blocks it, 0 when none does
     */
    public record HeldHost(String host, int waiting, long blockedMs) {
    }

    /** Most held hosts an event lists, the blocked ones and those with most waiting first. */
    static final int HOSTS_SHOWN = 20;

    /** The starter's HTTP/2 gauges (its MetricsFetchListener). */
    private static final String HTTP2_CONNECTIONS = "multifetch.http2.connections";
    private static final String HTTP2_STREAMS = "multifetch.http2.streams.active";

    private static final Log logger = LogFactory.getLog(DashboardFeed.class);

    private final FetchEngine engine;
    private final HostHolds holds;
    private final WorkerPanel worker;
    private final MeterRegistry meters;
    private final TransferRegistry registry;
    private final RecentTransfers recent;
    private final Duration tick;
    private final String proxy;
    private final int historySize;
    private final Deque<Sample> history = new ArrayDeque<>();
    private final List<SseEmitter> subscribers = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private ScheduledExecutorService scheduler;
    private long lastSucceeded;
    private long lastFailed;
    private long lastSequence;

    /**
     * A feed on {@code engine}, which fetches through {@code proxy} ({@code null} for none); its
     * HTTP/2 gauges are read from {@code meters}, or 0 when {@code null}, its held hosts from
     * {@code holds}, or none when {@code null}, and its Kafka worker from {@code worker}, or none
     * when {@code null}.
     */
    public DashboardFeed(FetchEngine engine, HostHolds holds, WorkerPanel worker, String proxy, MeterRegistry meters,
            TransferRegistry registry, RecentTransfers recent, Duration tick, Duration history) {
        this.engine = engine;
        this.holds = holds;
        this.worker = worker;
        this.proxy = proxy;
        this.meters = meters;
        this.registry = registry;
        this.recent = recent;
        this.tick = tick;
        this.historySize = (int) Math.max(1, history.toMillis() / tick.toMillis());
    }

    /** A new event stream, open until {@code timeout}; it starts with a {@code hello} event. */
    public SseEmitter subscribe(Duration timeout) {
        SseEmitter emitter = new SseEmitter(timeout.toMillis());
        emitter.onCompletion(() -> this.subscribers.remove(emitter));
        emitter.onTimeout(emitter::complete);
        emitter.onError((failure) -> this.subscribers.remove(emitter));
        synchronized (this.lock) {
            // only what the ticks so far have sent: a fetch finished since the last tick comes with the next one, once
            Hello hello = new Hello(this.tick.toMillis(), this.proxy, List.copyOf(this.history),
                    this.recent.upTo(this.lastSequence), heldHosts(), worker());
            if (send(emitter, "hello", hello)) {
                this.subscribers.add(emitter);
            }
        }
        return emitter;
    }

    /** Takes one sample and sends it; called every tick. */
    void tick() {
        synchronized (this.lock) {
            long succeeded = this.registry.succeededTransfers();
            long failed = this.registry.failedTransfers();
            int open = this.engine.openConnections();
            int idle = this.engine.idleConnections();
            Sample sample = new Sample(System.currentTimeMillis(), this.engine.runningHandles(),
                    this.engine.pendingHandles(), Math.max(0, open - idle), idle, gauge(HTTP2_CONNECTIONS),
                    gauge(HTTP2_STREAMS), succeeded - this.lastSucceeded, failed - this.lastFailed);
            this.lastSucceeded = succeeded;
            this.lastFailed = failed;
            this.history.addLast(sample);
            if (this.history.size() > this.historySize) {
                this.history.removeFirst();
            }
            List<Finished> finished = this.recent.after(this.lastSequence);
            this.lastSequence = finished.isEmpty() ? this.lastSequence : finished.get(finished.size() - 1).sequence();
            Tick event = new Tick(sample, finished, heldHosts(), worker());
            for (SseEmitter subscriber : this.subscribers) {
                if (!send(subscriber, "tick", event)) {
                    this.subscribers.remove(subscriber);
                }
            }
        }
    }

    /** The hosts blocked or with transfers waiting now, the blocked ones first, the longest block first. */
    List<HeldHost> heldHosts() {
        if (this.holds == null) {
            return List.of();
        }
        Map<String, HeldHost> byHost = new LinkedHashMap<>();
        for (HostHolds.Blocked blocked : this.holds.blocked()) {
            byHost.put(blocked.key(), new HeldHost(blocked.key(), 0, blocked.left().toMillis()));
        }
        this.holds.waiting().forEach((host, waiting) -> byHost.merge(host, new HeldHost(host, waiting, 0),
                (block, wait) -> new HeldHost(host, wait.waiting(), block.blockedMs())));
        return byHost.values()
            .stream()
            .sorted(Comparator.comparingLong(HeldHost::blockedMs).thenComparingInt(HeldHost::waiting).reversed())
            .limit(HOSTS_SHOWN)
            .toList();
    }

    /** The Kafka worker now, {@code null} when the app runs no jobs. */
    WorkerPanel.Worker worker() {
        return (this.worker != null) ? this.worker.snapshot() : null;
    }

    /** The gauge's value, 0 when there is none (meters off: multifetch.metrics.enabled=false). */
    private int gauge(String name) {
        Gauge gauge = (this.meters != null) ? this.meters.find(name).gauge() : null;
        double value = (gauge != null) ? gauge.value() : 0;
        return Double.isNaN(value) ? 0 : (int) value;
    }

    private static boolean send(SseEmitter emitter, String name, Object data) {
        try {
            emitter.send(SseEmitter.event().name(name).data(data, MediaType.APPLICATION_JSON));
            return true;
        } catch (IOException | IllegalStateException gone) {
            emitter.completeWithError(gone);
            return false;
        }
    }

    @Override
    public void start() {
        this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
            Thread thread = new Thread(task, "dashboard-feed");
            thread.setDaemon(true);
            return thread;
        });
        long period = this.tick.toMillis();
        this.scheduler.scheduleAtFixedRate(this::tickSafely, period, period, TimeUnit.MILLISECONDS);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException ex) {
            // one bad tick must not end the schedule; the next one tries again
            logger.warn("dashboard tick failed", ex);
        }
    }

    @Override
    public void stop() {
        this.scheduler.shutdownNow();
        this.subscribers.forEach(SseEmitter::complete);
        this.subscribers.clear();
    }

    @Override
    public boolean isRunning() {
        return this.scheduler != null && !this.scheduler.isShutdown();
    }
}
