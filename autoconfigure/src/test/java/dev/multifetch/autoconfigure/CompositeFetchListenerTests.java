package dev.multifetch.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.multifetch.core.FetchListener;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.Transfer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompositeFetchListenerTests {

    private final Transfer transfer = new Transfer(FetchRequest.get("http://127.0.0.1/"));

    @Test
    void whenNoneOrOneListenerThenNoCompositeIsMade() {
        FetchListener only = new FetchListener() { };
        assertThat(CompositeFetchListener.of(List.of())).isSameAs(FetchListener.NONE);
        assertThat(CompositeFetchListener.of(List.of(only))).isSameAs(only);
    }

    @Test
    void whenOneListenerThrowsThenTheOthersStillHearAndTheFirstFailureIsRethrown() {
        List<String> heard = new CopyOnWriteArrayList<>();
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException second = new IllegalStateException("second");
        FetchListener composite = CompositeFetchListener.of(List.of(queuedThrowing(heard, "a", first),
                queuedThrowing(heard, "b", null), queuedThrowing(heard, "c", second)));

        assertThatThrownBy(() -> composite.transferQueued(this.transfer)).isSameAs(first)
            .hasSuppressedException(second);
        assertThat(heard).containsExactly("a", "b", "c");
    }

    private static FetchListener queuedThrowing(List<String> heard, String name, RuntimeException failure) {
        return new FetchListener() {
            @Override
            public void transferQueued(Transfer transfer) {
                heard.add(name);
                if (failure != null) {
                    throw failure;
                }
            }
        };
    }
}
