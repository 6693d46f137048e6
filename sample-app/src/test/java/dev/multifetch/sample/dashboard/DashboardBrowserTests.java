package dev.multifetch.sample.dashboard;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.LocalAppTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live dashboard in a real headless Chromium (Debian's chromium and chromium-driver): while a
 * slow batch runs the running-handles tile shows more than zero, and zero again after it; the
 * HTTP/2 tile reads the starter's gauges, the header says whether a proxy is in use, each recent
 * transfer shows its protocol and attempts, a host blocked by its Retry-After is listed, and each
 * transfer shows once
 * however its hello and tick events overlap, and there is no Kafka worker panel on a single node.
 * Skipped when /usr/bin/chromedriver is missing ({@link Chromium}). Screenshots are left in
 * {@code target/dashboard-*.png}.
 */
@Timeout(90)
class DashboardBrowserTests extends LocalAppTests {

    @Autowired
    private DashboardFeed feed;

    private Chromium chromium;
    private WebDriver browser;

    @BeforeEach
    void browser() throws IOException {
        this.chromium = Chromium.start();
        this.browser = this.chromium.driver();
    }

    @AfterEach
    void quit() throws IOException {
        if (this.chromium != null) {
            this.chromium.close();
        }
    }

    @Test
    void runningHandlesRiseWhileASlowBatchRunsAndFallToZeroAfter() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedServer slow = new ScriptedServer()
            .defaultScript(ScriptedServer.script().await(release, Chromium.WAIT.multipliedBy(2)).then(ScriptedServer.ok("slow")))) {
            this.browser.get(this.client.base() + "/");
            waitFor("the event stream to connect", (page) -> text("status").equals("live") && text("running").equals("0"));
            assertThat(text("proxy")).isEqualTo("direct (no proxy)");
            assertThat(this.browser.findElement(By.id("worker")).isDisplayed()).as("the Kafka worker panel").isFalse();

            String requests = IntStream.range(0, 3)
                .mapToObj((i) -> "{\"url\": " + this.client.quote(slow.url("/slow/" + i)) + "}")
                .collect(Collectors.joining(",", "[", "]"));
            CompletableFuture<HttpResponse<String>> batch = this.client.postAsync("/api/batch",
                    "{\"requests\": " + requests + ", \"concurrency\": 3}");

            waitFor("running handles above zero", (page) -> Integer.parseInt(text("running")) > 0);
            screenshot("dashboard-running.png");
            release.countDown();
            assertThat(batch.join().body().lines()).hasSize(3);

            waitFor("running handles back at zero", (page) -> text("running").equals("0")
                    && page.findElements(By.cssSelector("#recent tbody tr")).size() >= 3);
            assertThat(text("pending")).isEqualTo("0");
            assertThat(text("http2")).isEqualTo("0 / 0");
            assertThat(this.browser.findElement(By.cssSelector("#recent tbody tr td.url")).getText()).contains("/slow/");
            assertThat(this.browser.findElement(By.cssSelector("#recent tbody tr td.protocol")).getText()).isEqualTo("HTTP/1.1");
            screenshot("dashboard-after.png");
        }
    }

    @Test
    void whenAFetchEndsBetweenATickAndThePageOpeningThenItsRowShowsOnce() {
        // ticks only when this test says: the scheduled ones would make the overlap a matter of timing
        this.feed.stop();
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.ok("once"))) {
            this.client.fetchUrl(target.url("/before-hello"));
            this.browser.get(this.client.base() + "/");
            waitFor("the event stream to connect", (page) -> text("status").equals("live"));

            this.client.fetchUrl(target.url("/after-hello"));
            this.feed.tick();
            waitFor("the tick's row", (page) -> recentUrls().stream().anyMatch((url) -> url.endsWith("/after-hello")));

            List<String> ids = this.browser.findElements(By.cssSelector("#recent tbody tr td:nth-child(2)"))
                .stream()
                .map(WebElement::getText)
                .toList();
            assertThat(ids).doesNotHaveDuplicates();
            assertThat(recentUrls()).filteredOn((url) -> url.endsWith("/before-hello")).hasSize(1);
        }
        finally {
            this.feed.start();
        }
    }

    @Test
    void whenATargetAnswers503WithRetryAfterThenItsHostIsListedAsBlockedAndItsRowCountsTheAttempts() throws IOException {
        ScriptedServer.Script busy = ScriptedServer.script()
            .sendResponse(503, Map.of("Retry-After", "11", "Content-Length", "0"), "");
        try (ScriptedServer target = new ScriptedServer().defaultScript(busy)) {
            this.browser.get(this.client.base() + "/");
            waitFor("the event stream to connect", (page) -> text("status").equals("live"));

            assertThat(this.client.fetch("{\"url\": " + this.client.quote(target.url("/busy")) + ", \"retries\": 1}")
                .status()).isEqualTo(503);

            String origin = "http://127.0.0.1:" + target.port();
            // the page redraws its tables every tick: every read of a row happens inside one wait,
            // which tries again when a row it held was redrawn meanwhile
            waitFor("the blocked host's row, blocked 1 to 11 s with none waiting", (page) -> {
                WebElement row = page.findElements(By.xpath("//table[@id='held']//tr[td[text()='" + origin + "']]"))
                    .stream().findFirst().orElse(null);
                if (row == null) {
                    return false;
                }
                double blocked = Double.parseDouble(row.findElement(By.cssSelector("td.blocked")).getText());
                return blocked >= 1.0 && blocked <= 11.0 && row.findElement(By.cssSelector("td.waiting")).getText().equals("0")
                        && !page.findElement(By.id("held-empty")).isDisplayed();
            });
            waitFor("the fetch's row, counting one try", (page) -> page.findElements(By.cssSelector("#recent tbody tr"))
                .stream()
                .anyMatch((tr) -> tr.findElement(By.cssSelector("td.url")).getText().endsWith("/busy")
                        && tr.findElement(By.cssSelector("td.tries")).getText().equals("1")));
            screenshot("dashboard-held.png");
        }
    }

    private List<String> recentUrls() {
        return this.browser.findElements(By.cssSelector("#recent tbody tr td.url")).stream().map(WebElement::getText).toList();
    }

    private void waitFor(String what, java.util.function.Function<WebDriver, Boolean> condition) {
        this.chromium.waitFor(what, condition);
    }

    private String text(String id) {
        return this.chromium.text(id);
    }

    private void screenshot(String name) throws IOException {
        this.chromium.screenshot(name);
    }
}
