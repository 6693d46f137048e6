package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.QuietLogs;
import dev.multifetch.core.testing.FaultServer;
import dev.multifetch.core.testing.FaultServer.Fault;
import dev.multifetch.core.testing.Loopback;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * User callbacks that fail, among many transfers in flight on one engine: each faulty callback
 * ends its own transfer with {@link FetchError#ABORTED_BY_CALLBACK} and its exception as the
 * cause, while every other transfer completes with its body and the selector loop carries on.
 * (One faulty transfer at a time is tested beside each callback: ResponseBodyTests,
 * ResponseListenerTests, FetchListenerTests.)
 */
@Timeout(30)
class CallbackFaultTests {

    private static final int TRANSFERS = 64;

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private FaultServer server;

    @BeforeEach
    void startServer() {
        server = loopback.closeAfter(FaultServer.start());
    }

    /** A user callback that fails, and how. */
    enum Callback {
        CONSUMER_ON_START, CONSUMER_ON_DATA, CONSUMER_ON_COMPLETE, CONSUMER_THROWS_CHECKED,
        HEADER_LISTENER, TRAILER_LISTENER, PROGRESS_LISTENER_THROWS, PROGRESS_LISTENER_SAYS_STOP
    }

    @ParameterizedTest
    @EnumSource(Callback.class)
    void aCallbackThatFailsEndsOnlyItsOwnTransferWithAbortedByCallbackWhileTheOthersComplete(Callback callback)
            throws Exception {
        FetchEngine engine = loopback.engine(MultiOptions.builder().maxHostConnections(0).build());

        Run run = run(engine, id -> id % 4 == 1 ? EnumSet.of(callback) : EnumSet.noneOf(Callback.class));

        run.assertOutcomes();
        assertTheLoopCarriesOn(engine);
    }

    @Test
    void callbacksOfEveryKindFailingAtOnceEndOnlyTheirOwnTransfers() throws Exception {
        FetchEngine engine = loopback.engine(MultiOptions.builder().maxHostConnections(0).build());
        Callback[] kinds = Callback.values();

        Run run = run(engine, id -> id % 2 == 1 ? EnumSet.of(kinds[(id / 2) % kinds.length]) : EnumSet.noneOf(Callback.class));

        run.assertOutcomes();
        assertTheLoopCarriesOn(engine);
    }

    @Test
    @QuietLogs("dev.multifetch.core.multi.TransferRunner")
    void aConsumerWhoseOnAbortThrowsTooStillEndsWithTheFirstFailure() throws Exception {
        FetchEngine engine = loopback.engine(MultiOptions.builder().build());
        IllegalStateException first = new IllegalStateException("onData fails");
        BodyConsumer consumer = new BodyConsumer() {
            @Override
            public boolean onData(ByteBuffer data) {
                throw first;
            }

            @Override
            public void onAbort() {
                throw new IllegalStateException("onAbort fails as well");
            }
        };

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url(Fault.NONE, 2))
                .bodyConsumer(consumer).build()));

        assertThat(failure.error()).isEqualTo(FetchError.ABORTED_BY_CALLBACK);
        assertThat(failure).hasRootCause(first);
        assertTheLoopCarriesOn(engine);
    }

    @Test
    @QuietLogs("dev.multifetch.core.multi.TransferRunner")
    void anEngineListenerThatThrowsInTransferFailedLeavesTheFailureAsItWas() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        FetchEngine engine = loopback.engine(MultiOptions.builder().listener(new FetchListener() {
            @Override
            public void transferFailed(Transfer transfer, FetchException failure) {
                heard.incrementAndGet();
                throw new IllegalStateException("transferFailed fails");
            }
        }).build());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url(Fault.GARBAGE, 1))));

        assertThat(failure.error()).isEqualTo(FetchError.UNSUPPORTED_PROTOCOL);
        assertThat(heard).hasValue(1);
        assertTheLoopCarriesOn(engine);
    }

    /** Which callbacks of transfer {@code id} fail. */
    @FunctionalInterface
    private interface Faults {
        Set<Callback> of(int id);
    }

    /** Transfers started together, and the callbacks each one was given to fail. */
    private record Run(List<Integer> ids, List<Set<Callback>> faults, List<CompletableFuture<FetchResponse>> futures) {

        void assertOutcomes() throws Exception {
            for (int i = 0; i < ids.size(); i++) {
                int id = ids.get(i);
                if (faults.get(i).isEmpty()) {
                    FetchResponse response = succeeds(futures.get(i));
                    assertThat(response.body()).as("body of healthy transfer #%d", id).isEqualTo(FaultServer.body(id));
                } else {
                    FetchException failure = fails(futures.get(i));
                    assertThat(failure.error()).as("outcome of #%d with %s", id, faults.get(i))
                            .isEqualTo(FetchError.ABORTED_BY_CALLBACK);
                    assertThat(failure).as("failure of #%d", id).hasMessageContaining(expectedMessage(id, faults.get(i)));
                }
            }
        }

        private static String expectedMessage(int id, Set<Callback> faults) {
            return faults.contains(Callback.PROGRESS_LISTENER_SAYS_STOP) ? "aborted by the progress listener"
                    : "fails for #" + id;
        }
    }

    /**
     * Starts {@link #TRANSFERS} fetches at once. Transfers with a failing callback get odd ids
     * whose body is not empty, so they are chunked with a trailer and have data to hand over.
     */
    private Run run(FetchEngine engine, Faults faults) {
        List<Integer> ids = new ArrayList<>();
        List<Set<Callback>> given = new ArrayList<>();
        List<CompletableFuture<FetchResponse>> futures = new ArrayList<>();
        for (int n = 0, id = 0; n < TRANSFERS; n++, id++) {
            Set<Callback> failing = faults.of(n);
            while (!failing.isEmpty() && (id % 2 == 0 || FaultServer.body(id).length == 0)) {
                id++;
            }
            ids.add(id);
            given.add(failing);
            futures.add(engine.fetch(request(id, failing)));
        }
        return new Run(ids, given, futures);
    }

    private FetchRequest request(int id, Set<Callback> failing) {
        FetchRequest.Builder request = FetchRequest.builder(server.url(Fault.NONE, id));
        String message = "fails for #" + id;
        if (failing.contains(Callback.CONSUMER_ON_START) || failing.contains(Callback.CONSUMER_ON_DATA)
                || failing.contains(Callback.CONSUMER_ON_COMPLETE) || failing.contains(Callback.CONSUMER_THROWS_CHECKED)) {
            request.bodyConsumer(new FailingConsumer(failing, message));
        }
        if (failing.contains(Callback.HEADER_LISTENER) || failing.contains(Callback.TRAILER_LISTENER)) {
            request.headerListener(new HeaderListener() {
                @Override
                public void onHeaders(int status, String httpVersion, Headers headers, boolean interim) {
                    if (failing.contains(Callback.HEADER_LISTENER)) {
                        throw new IllegalStateException("onHeaders " + message);
                    }
                }

                @Override
                public void onTrailers(Headers trailers) {
                    throw new IllegalStateException("onTrailers " + message);
                }
            });
        }
        if (failing.contains(Callback.PROGRESS_LISTENER_THROWS)) {
            request.progressListener((downloadTotal, downloaded, uploadTotal, uploaded) -> {
                throw new IllegalStateException("onProgress " + message);
            });
        }
        if (failing.contains(Callback.PROGRESS_LISTENER_SAYS_STOP)) {
            request.progressListener((downloadTotal, downloaded, uploadTotal, uploaded) -> false);
        }
        return request.build();
    }

    /** A body consumer that fails at the step it was given, with a checked exception when told. */
    private static final class FailingConsumer implements BodyConsumer {

        private final Set<Callback> failing;
        private final String message;

        FailingConsumer(Set<Callback> failing, String message) {
            this.failing = failing;
            this.message = message;
        }

        @Override
        public void onStart(int status, Headers headers, TransferControl control) {
            if (failing.contains(Callback.CONSUMER_ON_START)) {
                throw new IllegalStateException("onStart " + message);
            }
        }

        @Override
        public boolean onData(ByteBuffer data) throws IOException {
            if (failing.contains(Callback.CONSUMER_ON_DATA)) {
                throw new IllegalStateException("onData " + message);
            }
            if (failing.contains(Callback.CONSUMER_THROWS_CHECKED)) {
                throw new IOException("onData (checked) " + message);
            }
            return true;
        }

        @Override
        public void onComplete() {
            if (failing.contains(Callback.CONSUMER_ON_COMPLETE)) {
                throw new IllegalStateException("onComplete " + message);
            }
        }
    }

    /** The same loop is alive, failed nothing, has no transfer left, and still fetches. */
    private void assertTheLoopCarriesOn(FetchEngine engine) throws Exception {
        assertThat(engine.isRunning()).as("selector loop running").isTrue();
        assertThat(engine.failure()).as("selector loop failure").isEmpty();
        FetchResponse next = succeeds(engine.fetch(FetchRequest.get(server.url(Fault.NONE, 4))));
        assertThat(next.body()).isEqualTo(FaultServer.body(4));
    }
}
