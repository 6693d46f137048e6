package dev.multifetch.sample.dashboard;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.LocalAppTests;
import dev.multifetch.sample.fetch.FetchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard feed's held hosts: a target blocked by its Retry-After, and the fetch waiting for it. */
@Timeout(60)
class HeldHostsTests extends LocalAppTests {

    @Autowired
    private DashboardFeed feed;

    @Test
    void whenATargetAsksToBeLeftAloneThenItIsHeldWithTheFetchesWaitingForIt() {
        ScriptedServer.Script busy = ScriptedServer.script()
            .sendResponse(503, Map.of("Retry-After", "11", "Content-Length", "0"), "");
        try (ScriptedServer target = new ScriptedServer().defaultScript(busy)) {
            String origin = "http://127.0.0.1:" + target.port();
            assertThat(this.client.fetchUrl(target.url("/first")).status()).isEqualTo(503);

            DashboardFeed.HeldHost blocked = held(origin);
            assertThat(blocked.waiting()).isZero();
            assertThat(blocked.blockedMs()).isBetween(5_000L, 11_000L);

            CompletableFuture<HttpResponse<String>> second = this.client.postAsync("/api/fetch",
                    "{\"url\": " + this.client.quote(target.url("/second")) + "}");
            await().atMost(Duration.ofSeconds(10)).until(() -> held(origin).waiting() == 1);
            assertThat(target.requests()).hasSize(1);

            JsonNode running = this.client.json(this.client.get("/api/transfers").body());
            assertThat(running).singleElement().satisfies((transfer) -> {
                assertThat(transfer.get("state").asString()).isEqualTo("waiting to start");
                assertThat(this.client.delete("/api/transfers/" + transfer.get("id").asLong()).statusCode()).isEqualTo(204);
            });
            FetchResult cancelled = this.jsonMapper.readValue(second.join().body(), FetchResult.class);
            assertThat(cancelled.error().code()).isEqualTo("ABORTED_BY_CALLBACK");
            assertThat(cancelled.attempts()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> held(origin).waiting() == 0);
        }
    }

    /** The feed's entry for {@code origin}; other tests' targets may be held too. */
    private DashboardFeed.HeldHost held(String origin) {
        return this.feed.heldHosts()
            .stream()
            .filter((held) -> held.host().equals(origin))
            .findFirst()
            .orElseThrow(() -> new AssertionError(origin + " not held: " + this.feed.heldHosts()));
    }
}
