package dev.multifetch.sample.dashboard;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.multifetch.autoconfigure.kafka.JobWorker;
import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.SampleClient;
import dev.multifetch.sample.dashboard.WorkerPanel.BusyHost;
import dev.multifetch.sample.distributed.Fleet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's Kafka worker panel on a node of role all (on the shared in-process broker) that
 * holds two jobs at most, taking one a poll: a batch whose targets hold every request until the
 * test lets them answer has two jobs in flight, pauses the container and leaves the rest waiting
 * in the jobs topic. The feed's worker then shows those jobs, their hosts, the pause and the lag
 * of the jobs topic's partitions, and no job in flight, no pause and no lag after; the page shows
 * the panel with the same. The single-node dashboard's lack of it is in {@link DashboardBrowserTests}.
 */
@Timeout(90)
class KafkaWorkerPanelTests {

    private static final SharedKafka.Names NAMES = SharedKafka.names("panel");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int JOBS = 8;

    private static ConfigurableApplicationContext node;
    private static SampleClient client;
    private static DashboardFeed feed;

    @BeforeAll
    static void node() {
        node = Fleet.start(NAMES, "all", "multifetch.kafka.max-in-flight-jobs=2", "multifetch.kafka.max-poll-records=1",
                "multifetch.kafka.client-meters-refresh=200ms", "multifetch.sample.dashboard.tick=200ms");
        client = new SampleClient(Fleet.port(node), node.getBean(JsonMapper.class));
        feed = node.getBean(DashboardFeed.class);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void whileItsTargetsHoldABatchTheWorkerShowsItsJobsHostsPauseAndLagAndNothingInFlightAfter() {
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedServer targets = held(release)) {
            try {
                CompletableFuture<HttpResponse<String>> batch = client.postAsync("/api/batch", batch(targets, "a.test", "b.test"));

                await().atMost(WAIT).until(() -> feed.worker().inFlight() >= 2 && feed.worker().paused());
                WorkerPanel.Worker held = feed.worker();
                assertThat(held.id()).isEqualTo(node.getBean(JobWorker.class).workerId());
                assertThat(held.uncommitted()).isEqualTo(held.inFlight());
                assertThat(held.busiest()).isNotEmpty().allSatisfy((host) -> assertThat(host.host()).isIn("a.test", "b.test"));
                assertThat(held.busiest().stream().mapToInt(BusyHost::jobs).sum()).isEqualTo(held.inFlight());
                // jobs left in the topic: a partition's lag is a meter from the first check after it was fetched
                await().atMost(WAIT).until(() -> feed.worker().lag().stream().anyMatch((partition) -> partition.lag() > 0));
                assertThat(feed.worker().lag()).allSatisfy((partition) -> {
                    assertThat(partition.topic()).isEqualTo(NAMES.jobs());
                    assertThat(partition.partition()).isBetween(0, 5);
                });

                release.countDown();
                assertThat(batch.join().body().lines().filter((line) -> !line.isBlank())).hasSize(JOBS);
                await().atMost(WAIT).until(() -> {
                    WorkerPanel.Worker after = feed.worker();
                    return after.inFlight() == 0 && after.uncommitted() == 0 && !after.paused() && after.busiest().isEmpty()
                            && !after.lag().isEmpty() && after.lag().stream().allMatch((partition) -> partition.lag() == 0);
                });
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void thePageShowsThePanelWithTheJobsInFlightAndTheBusiestHostWhileABatchIsHeld() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        try (Chromium chromium = Chromium.start(); ScriptedServer targets = held(release)) {
            try {
                WebDriver page = chromium.driver();
                page.get(client.base() + "/");
                chromium.waitFor("the worker panel", (p) -> chromium.text("status").equals("live")
                        && p.findElement(By.id("worker")).isDisplayed() && chromium.text("worker-inflight").equals("0"));
                assertThat(chromium.text("worker-id")).isEqualTo(node.getBean(JobWorker.class).workerId());
                assertThat(chromium.text("worker-paused")).isEqualTo("consuming");

                CompletableFuture<HttpResponse<String>> batch = client.postAsync("/api/batch", batch(targets, "c.test", "d.test"));
                chromium.waitFor("jobs in flight, the pause and a busiest host's row", (p) -> Integer.parseInt(chromium.text("worker-inflight")) > 0
                        && chromium.text("worker-paused").equals("paused (back-pressure)")
                        && busiestHosts(p).stream().anyMatch((host) -> host.equals("c.test") || host.equals("d.test")));
                chromium.screenshot("dashboard-kafka-worker.png");

                release.countDown();
                assertThat(batch.join().body().lines().filter((line) -> !line.isBlank())).hasSize(JOBS);
                chromium.waitFor("no job in flight", (p) -> chromium.text("worker-inflight").equals("0")
                        && chromium.text("worker-paused").equals("consuming") && busiestHosts(p).isEmpty()
                        && p.findElement(By.id("worker-hosts-empty")).isDisplayed());
            } finally {
                release.countDown();
            }
        }
    }

    private static List<String> busiestHosts(WebDriver page) {
        return page.findElements(By.cssSelector("#worker-hosts tbody td.url")).stream().map((cell) -> cell.getText()).toList();
    }

    /** A target holding every request until {@code release}. */
    private static ScriptedServer held(CountDownLatch release) {
        return new ScriptedServer().defaultScript(ScriptedServer.script().await(release, WAIT).then(ScriptedServer.ok("held")));
    }

    /** A batch of {@link #JOBS} requests to {@code targets} under the names {@code hosts}, in turn. */
    private static String batch(ScriptedServer targets, String... hosts) {
        return IntStream.range(0, JOBS)
            .mapToObj((i) -> "{\"url\": \"http://" + hosts[i % hosts.length] + ":" + targets.port() + "/held/" + i + "\"}")
            .collect(Collectors.joining(", ", "{\"requests\": [", "]}"));
    }
}
