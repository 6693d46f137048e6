package dev.multifetch.core.timer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.timer.TimerQueue.Expiry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The heap against the simplest model of a timer queue: a list of (deadline, order set) pairs,
 * under a long random mix of setting, moving, cancelling and polling, with many equal deadlines.
 */
class TimerQueueTests {

    /** The model's entry: the handle, its deadline and when it was (re)set. */
    private record Set(Expiry<String> handle, long at, long order) {
    }

    /** Few distinct deadlines of both signs: ties everywhere, lanes and heap both in use. */
    @Test
    void everyOperationAgreesWithASortedListOfDeadlines() {
        agreesWithTheModel(new Random(7), (random, clock) -> random.nextInt(50) - 25);
    }

    /** Deadlines as the engine sets them: a clock moving on plus one of a few timeouts, and now and then any time. */
    @Test
    void timeoutsOfAFewKindsAgreeWithTheModelToo() {
        agreesWithTheModel(new Random(11), (random, clock) -> random.nextInt(20) == 0 ? clock + random.nextInt(400)
                : clock + new int[] {10, 60, 300, 30, 200, 1}[random.nextInt(6)]);
    }

    private interface Deadlines {
        long next(Random random, long clock);
    }

    private static void agreesWithTheModel(Random random, Deadlines deadlines) {
        TimerQueue<String> queue = new TimerQueue<>();
        List<Set> model = new ArrayList<>();
        List<Expiry<String>> handles = new ArrayList<>();
        long order = 0;
        long clock = 0;
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(10);
            clock += random.nextInt(3);
            long at = deadlines.next(random, clock);
            if (op < 3 || handles.isEmpty()) {
                Expiry<String> e = queue.schedule("owner", random.nextInt(3), at);
                handles.add(e);
                model.add(new Set(e, at, order++));
            } else if (op < 6) {
                Expiry<String> e = handles.get(random.nextInt(handles.size()));
                Expiry<String> again = queue.schedule(e, e.owner(), e.id(), at);
                assertThat(again).isSameAs(e);
                model.removeIf(s -> s.handle() == e);
                model.add(new Set(e, at, order++));
            } else if (op < 8) {
                Expiry<String> e = handles.get(random.nextInt(handles.size()));
                queue.cancel(e);
                model.removeIf(s -> s.handle() == e);
                assertThat(e.queued()).isFalse();
            } else {
                long now = clock + random.nextInt(60) - 30;
                model.sort(Comparator.comparingLong(Set::at).thenComparingLong(Set::order));
                Expiry<String> polled = queue.pollExpired(now);
                Set expected = !model.isEmpty() && model.get(0).at() <= now ? model.remove(0) : null;
                assertThat(polled).as("step %d", step).isSameAs(expected == null ? null : expected.handle());
            }
            assertThat(queue.size()).isEqualTo(model.size());
            model.sort(Comparator.comparingLong(Set::at).thenComparingLong(Set::order));
            assertThat(queue.earliest()).isSameAs(model.isEmpty() ? null : model.get(0).handle());
            if (handles.size() > 200) {
                handles.remove(0);
            }
        }
    }

    @Test
    void aHandleOfAnotherOwnerOrIdIsNotReusedButCancelled() {
        TimerQueue<String> queue = new TimerQueue<>();
        Expiry<String> first = queue.schedule("a", 1, 10);

        Expiry<String> other = queue.schedule(first, "b", 1, 20);

        assertThat(other).isNotSameAs(first);
        assertThat(first.queued()).isFalse();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.pollExpired(20)).isSameAs(other);
        assertThat(queue.pollExpired(Long.MAX_VALUE)).isNull();
    }
}
