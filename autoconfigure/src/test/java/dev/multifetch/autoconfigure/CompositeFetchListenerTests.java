package dev.multifetch.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
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

    @Test
    void whenAnyEventArrivesThenEveryListenerHearsIt() throws Exception {
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        FetchListener composite = CompositeFetchListener.of(List.of(recording(first), recording(second)));
        List<String> events = new ArrayList<>();
        for (Method event : FetchListener.class.getDeclaredMethods()) {
            if (event.isDefault()) {
                event.invoke(composite, arguments(event));
                events.add(event.getName());
            }
        }
        assertThat(events).contains("tlsStart", "tlsEnd", "tlsFailed", "proxyHandshakeStart", "proxyHandshakeEnd",
                "proxyHandshakeFailed", "transferFailed", "http2ConnectionOpened",
                "streamOpened", "goawayReceived", "streamReplayed", "flowControlStalled", "retryScheduled",
                "hostBlocked");
        assertThat(first).containsExactlyElementsOf(events);
        assertThat(second).containsExactlyElementsOf(events);
    }

    /** A listener that records the name of every event it hears. */
    private static FetchListener recording(List<String> heard) {
        return (FetchListener) Proxy.newProxyInstance(FetchListener.class.getClassLoader(),
                new Class<?>[] { FetchListener.class }, (proxy, method, args) -> {
                    heard.add(method.getName());
                    return null;
                });
    }

    /** Zero, false or null for each parameter: the composite only passes them on. */
    private static Object[] arguments(Method event) {
        return Arrays.stream(event.getParameterTypes())
            .map((type) -> (type == long.class) ? 0L : (type == int.class) ? 0 : (type == boolean.class) ? false : null)
            .toArray();
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
