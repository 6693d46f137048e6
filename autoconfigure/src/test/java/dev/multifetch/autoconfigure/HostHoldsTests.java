package dev.multifetch.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.Transfer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The hosts held now, driven through the listener methods as the engine calls them, on a hand-moved clock. */
class HostHoldsTests {

    private final AtomicLong now = new AtomicLong(1_000);

    private final HostHolds holds = new HostHolds(this.now::get);

    @Test
    void whenHostsAreBlockedThenTheyAreListedLongestFirstUntilTheirBlockEnds() {
        this.holds.hostBlocked("http://a.example:80", Duration.ofSeconds(2).toNanos());
        this.holds.hostBlocked("http://b.example:80", Duration.ofSeconds(5).toNanos());

        assertThat(this.holds.blocked()).containsExactly(
                new HostHolds.Blocked("http://b.example:80", Duration.ofSeconds(5)),
                new HostHolds.Blocked("http://a.example:80", Duration.ofSeconds(2)));
        this.now.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(this.holds.blocked()).containsExactly(new HostHolds.Blocked("http://b.example:80", Duration.ofSeconds(2)));
        assertThat(this.holds.blockedCount()).isEqualTo(1);
        this.now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(this.holds.blocked()).isEmpty();
        assertThat(this.holds.blockedCount()).isZero();
    }

    @Test
    void whenAHostIsBlockedAgainThenTheLaterEndHolds() {
        this.holds.hostBlocked("http://a.example:80", Duration.ofSeconds(10).toNanos());
        this.holds.hostBlocked("http://a.example:80", Duration.ofSeconds(1).toNanos());

        assertThat(this.holds.blocked()).singleElement()
            .satisfies((blocked) -> assertThat(blocked.left()).isEqualTo(Duration.ofSeconds(10)));
    }

    @Test
    void whenTransfersWaitToStartThenTheyCountPerOriginUntilTheyStartOrEnd() {
        Transfer first = transfer("http://Paced.example/a");
        Transfer second = transfer("http://paced.example:80/b");
        Transfer other = transfer("https://other.example/");
        this.holds.transferQueued(first);
        this.holds.transferQueued(second);
        this.holds.transferQueued(other);

        assertThat(this.holds.waiting()).containsExactly(java.util.Map.entry("http://paced.example:80", 2),
                java.util.Map.entry("https://other.example:443", 1));
        this.holds.transferDequeued(first, 10);
        this.holds.transferFailed(other, new FetchException(FetchError.ABORTED_BY_CALLBACK, "cancelled"));
        assertThat(this.holds.waiting()).containsExactly(java.util.Map.entry("http://paced.example:80", 1));
        this.holds.transferDequeued(second, 10);
        assertThat(this.holds.waiting()).isEmpty();
    }

    @Test
    void whenATransferWaitsOutARetrysBackoffThenItIsNotWaitingToStart() {
        Transfer retried = transfer("http://flaky.example/");
        this.holds.retryScheduled(retried, 1, 1_000_000, "HTTP 503");
        this.holds.transferQueued(retried);
        assertThat(this.holds.waiting()).isEmpty();
        this.holds.transferDequeued(retried, 1_000_000);

        this.holds.transferQueued(retried);
        assertThat(this.holds.waiting()).containsOnlyKeys("http://flaky.example:80");
    }

    private static Transfer transfer(String url) {
        return new Transfer(FetchRequest.get(url));
    }
}
