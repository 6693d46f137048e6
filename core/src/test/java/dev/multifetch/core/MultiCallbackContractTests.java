package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.testing.DrivenLoop;
import dev.multifetch.core.testing.DrivenLoop.SocketCall;
import dev.multifetch.core.testing.ManualClock;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.StalledListener;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The socket and timer callback contract of {@link Multi}, asserted call by call on a hand-driven
 * loop (libcurl's multi_socket rules: timer 0 on add, OUT while connecting, IN once the request is
 * written, REMOVE once before close, no re-entry, one DONE message per transfer).
 */
@Timeout(20)
class MultiCallbackContractTests {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    private final ScriptedServer server = new ScriptedServer();
    private DrivenLoop loop;

    @AfterEach
    void tearDown() {
        if (loop != null) {
            loop.close();
        }
        server.close();
    }

    private DrivenLoop loop(MultiOptions options) {
        loop = new DrivenLoop(options);
        return loop;
    }

    private Transfer add(String url) {
        Transfer t = new Transfer(FetchRequest.get(url));
        loop.multi().add(t);
        return t;
    }

    @Test
    void whenTransferAddedThenTimerIsSetToZeroAndNoSocketYet() {
        loop(MultiOptions.DEFAULTS);
        add(server.url("/"));

        assertThat(loop.calls()).containsExactly(new DrivenLoop.TimerCall(0));
        assertThat(loop.multi().runningHandles()).isEqualTo(1);
        assertThat(loop.multi().timeout()).isZero();
    }

    @Test
    void whenSecondTransferAddedBeforeActingThenTimerIsNotAnnouncedAgain() {
        loop(MultiOptions.DEFAULTS);
        add(server.url("/a"));
        add(server.url("/b"));

        assertThat(loop.timerCalls()).containsExactly(0L);
    }

    @Test
    void whenTheConnectIsPendingThenOutIsAskedThenInAfterTheRequestIsWritten() throws Exception {
        try (StalledListener listener = StalledListener.withFullBacklog()) {
            loop(MultiOptions.DEFAULTS);
            Transfer t = add("http://127.0.0.1:" + listener.port() + "/");
            loop.runUntil(() -> !loop.socketCalls().isEmpty(), LIMIT);

            assertThat(t.state()).isEqualTo(TransferState.CONNECTING);
            assertThat(loop.socketCalls()).singleElement().satisfies(c -> assertThat(c.what()).isEqualTo(PollAction.OUT));

            listener.startAnswering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
            loop.runUntil(() -> !loop.messages().isEmpty(), LIMIT);

            SelectableChannel socket = loop.socketCalls().get(0).socket();
            assertThat(loop.actionsFor(socket)).containsExactly(PollAction.OUT, PollAction.IN, PollAction.REMOVE);
            assertThat(t.response().bodyAsString()).isEqualTo("hi");
        }
    }

    @Test
    void whenTheRequestDoesNotFitTheSocketBufferThenOutUntilItIsWrittenThenIn() throws Exception {
        try (StalledListener listener = StalledListener.readingAfterLatch()) {
            loop(MultiOptions.DEFAULTS);
            byte[] body = new byte[16 * 1024 * 1024];
            Transfer t = new Transfer(FetchRequest.builder("http://127.0.0.1:" + listener.port() + "/upload").post(body).build());
            loop.multi().add(t);
            loop.runUntil(() -> t.state() == TransferState.DO && !loop.socketCalls().isEmpty()
                    && loop.socketCalls().get(loop.socketCalls().size() - 1).what() == PollAction.OUT, LIMIT);

            listener.startAnswering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            loop.runUntil(() -> !loop.messages().isEmpty(), LIMIT);

            SelectableChannel socket = loop.socketCalls().get(0).socket();
            assertThat(loop.actionsFor(socket)).endsWith(PollAction.OUT, PollAction.IN, PollAction.REMOVE);
            assertThat(t.result()).isEqualTo(FetchError.OK);
            assertThat(listener.bodyBytesRead()).isEqualTo(body.length);
        }
    }

    @Test
    void whenConnectionIsClosedByTheServerThenRemoveComesOnceBeforeTheSocketCloses() {
        server.defaultScript(ScriptedServer.script().send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"));
        loop(MultiOptions.DEFAULTS);
        Transfer t = add(server.url("/"));

        loop.runUntil(() -> !loop.messages().isEmpty(), LIMIT);

        List<SocketCall> calls = loop.socketCalls();
        SelectableChannel socket = calls.get(0).socket();
        assertThat(loop.actionsFor(socket)).endsWith(PollAction.IN, PollAction.REMOVE);
        assertThat(loop.actionsFor(socket)).filteredOn(a -> a == PollAction.REMOVE).hasSize(1);
        assertThat(calls).allSatisfy(c -> assertThat(c.transfer()).isSameAs(t));
        assertThat(calls).allSatisfy(c -> assertThat(c.open()).as("socket open when announced").isTrue());
        assertThat(socket.isOpen()).isFalse();
        assertThat(t.response().bodyAsString()).isEqualTo("hi");
    }

    @Test
    void whenTransferWithTimeoutFinishesEarlyThenTheTimerIsDeleted() {
        server.defaultScript(ScriptedServer.script().pause(Duration.ofMillis(100))
                .send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nquick"));
        loop(MultiOptions.DEFAULTS);
        Transfer t = new Transfer(FetchRequest.builder(server.url("/")).timeout(Duration.ofSeconds(30)).build());
        loop.multi().add(t);

        loop.runUntil(() -> t.state().isFinished(), LIMIT);

        assertThat(loop.timerCalls()).as(loop.calls().toString()).first().isEqualTo(0L);
        assertThat(loop.timerCalls()).as(loop.calls().toString()).last().isEqualTo(-1L);
        assertThat(loop.timerCalls()).anySatisfy(ms -> assertThat(ms).isBetween(29_000L, 30_000L));
        assertThat(loop.multi().timeout()).isEqualTo(-1L);
    }

    @Test
    void whenConnectionIsKeptAliveThenRemoveComesOnceAtCloseOfTheMulti() {
        server.defaultScript(ScriptedServer.ok("hello"));
        loop(MultiOptions.DEFAULTS);
        add(server.url("/"));
        loop.runUntil(() -> loop.messages().size() == 1, LIMIT);
        SelectableChannel socket = loop.socketCalls().get(0).socket();
        List<PollAction> beforeClose = loop.actionsFor(socket);
        assertThat(beforeClose).doesNotContain(PollAction.REMOVE).endsWith(PollAction.IN);
        assertThat(loop.multi().idleConnections()).isEqualTo(1);

        loop.multi().close();

        assertThat(loop.actionsFor(socket)).hasSize(beforeClose.size() + 1).endsWith(PollAction.REMOVE);
        assertThat(loop.socketCalls().get(loop.socketCalls().size() - 1).open()).as("REMOVE comes before the close").isTrue();
        assertThat(socket.isOpen()).isFalse();
    }

    @Test
    void whenSecondTransferReusesTheIdleConnectionThenNoSocketCallbackRepeatsIn() {
        server.defaultScript(ScriptedServer.ok("hello"));
        loop(MultiOptions.DEFAULTS);
        add(server.url("/one"));
        loop.runUntil(() -> loop.messages().size() == 1, LIMIT);
        int before = loop.socketCalls().size();

        Transfer second = add(server.url("/two"));
        loop.runUntil(() -> loop.messages().size() == 2, LIMIT);

        assertThat(loop.socketCalls()).hasSize(before);
        assertThat(second.response().connects()).isZero();
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void everyAddedTransferYieldsExactlyOneDoneMessageAndRunningHandlesReturnToZero() throws Exception {
        server.defaultScript(ScriptedServer.ok("x"));
        int refusedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            refusedPort = s.getLocalPort();
        }
        loop(MultiOptions.builder().maxHostConnections(2).build());
        List<Transfer> transfers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            transfers.add(add(server.url("/ok" + i)));
        }
        transfers.add(add("http://127.0.0.1:" + refusedPort + "/"));
        transfers.add(add("http://bad host/"));
        transfers.add(add("gopher://127.0.0.1/"));

        loop.runUntil(() -> loop.multi().runningHandles() == 0, LIMIT);
        loop.turn(0);

        assertThat(loop.messages()).hasSize(transfers.size());
        Set<Transfer> seen = new HashSet<>();
        loop.messages().forEach(m -> assertThat(seen.add(m.transfer())).as("one message per transfer").isTrue());
        assertThat(seen).containsExactlyInAnyOrderElementsOf(transfers);
        assertThat(loop.messages()).filteredOn(m -> m.result() == FetchError.OK).hasSize(6);
        assertThat(transfers.get(6).result()).isEqualTo(FetchError.COULDNT_CONNECT);
        assertThat(transfers.get(7).result()).isEqualTo(FetchError.URL_MALFORMAT);
        assertThat(transfers.get(8).result()).isEqualTo(FetchError.UNSUPPORTED_PROTOCOL);
        assertThat(loop.multi().infoRead()).isNull();
    }

    @Test
    void whenCallbacksCallBackIntoTheMultiThenOnlyInfoReadAndAssignAreAllowed() {
        server.defaultScript(ScriptedServer.ok("x"));
        loop(MultiOptions.DEFAULTS);
        List<Throwable> refused = new ArrayList<>();
        List<String> allowed = new ArrayList<>();
        Multi multi = loop.multi();
        Transfer other = new Transfer(FetchRequest.get(server.url("/other")));
        loop.onSocketHook((t, socket, what, socketp) -> {
            if (what == PollAction.REMOVE) {
                return;
            }
            tryCall(refused, () -> multi.add(other));
            tryCall(refused, () -> multi.remove(t));
            tryCall(refused, () -> multi.socketAction(socket, CSelect.IN));
            tryCall(refused, multi::timeoutAction);
            tryCall(refused, multi::timeout);
            multi.infoRead();
            multi.assign(socket, "mine");
            allowed.add("ok");
        });
        loop.onTimerHook(ms -> tryCall(refused, multi::timeoutAction));

        Transfer t = add(server.url("/"));
        loop.runUntil(() -> t.state().isFinished(), LIMIT);

        assertThat(allowed).isNotEmpty();
        assertThat(refused).isNotEmpty().allSatisfy(e -> assertThat(e)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a callback"));
        assertThat(t.result()).isEqualTo(FetchError.OK);
        assertThat(other.state()).isEqualTo(TransferState.INIT);
    }

    @Test
    void whenSocketpIsAssignedThenItComesBackUntilRemove() {
        server.defaultScript(ScriptedServer.script().send("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"));
        loop(MultiOptions.DEFAULTS);
        List<Object> socketps = new ArrayList<>();
        List<PollAction> actions = new ArrayList<>();
        Multi multi = loop.multi();
        loop.onSocketHook((t, socket, what, socketp) -> {
            socketps.add(socketp);
            actions.add(what);
            if (what != PollAction.REMOVE) {
                multi.assign(socket, "p-" + what);
            }
        });
        Transfer t = add(server.url("/"));
        loop.runUntil(() -> t.state().isFinished(), LIMIT);

        assertThat(socketps).first().isNull();
        for (int i = 1; i < socketps.size(); i++) {
            assertThat(socketps.get(i)).isEqualTo("p-" + actions.get(i - 1));
        }
        assertThat(actions).last().isEqualTo(PollAction.REMOVE);
        assertThat(socketps).last().isEqualTo("p-IN");
    }

    @Test
    void whenActingOnAnUnknownSocketThenItIsIgnored() throws Exception {
        server.defaultScript(ScriptedServer.script().stall());
        loop(MultiOptions.DEFAULTS);
        add(server.url("/"));
        try (java.nio.channels.SocketChannel stray = java.nio.channels.SocketChannel.open()) {
            assertThat(loop.multi().socketAction(stray, CSelect.IN)).isEqualTo(1);
            assertThatThrownBy(() -> loop.multi().assign(stray, "x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not known");
        }
    }

    @Test
    void whenTransferAddedTwiceThenRefusedAndRemovingTwiceIsHarmless() {
        loop(MultiOptions.DEFAULTS);
        Transfer t = add(server.url("/"));

        assertThatThrownBy(() -> loop.multi().add(t)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already added");
        loop.multi().remove(t);
        loop.multi().remove(t);
        assertThat(loop.multi().runningHandles()).isZero();
        assertThat(loop.messages()).isEmpty();
    }

    @Test
    void whenRunningTransferIsRemovedThenItsSocketGetsRemoveBeforeCloseAndNoMessage() {
        server.defaultScript(ScriptedServer.script().stall());
        loop(MultiOptions.DEFAULTS);
        Transfer t = add(server.url("/"));
        loop.runUntil(() -> t.state() == TransferState.PERFORMING, LIMIT);
        SelectableChannel socket = loop.socketCalls().get(0).socket();

        loop.multi().remove(t);
        loop.drain();

        assertThat(loop.actionsFor(socket)).endsWith(PollAction.REMOVE);
        assertThat(loop.socketCalls().get(loop.socketCalls().size() - 1).open()).isTrue();
        assertThat(socket.isOpen()).isFalse();
        assertThat(loop.messages()).isEmpty();
        assertThat(loop.multi().runningHandles()).isZero();
        assertThat(loop.multi().openConnections()).isZero();
    }

    @Test
    void whenTimeoutPassesOnTheClockThenTheTimeoutActionEndsTheTransfer() {
        server.defaultScript(ScriptedServer.script().stall());
        ManualClock clock = new ManualClock();
        loop(MultiOptions.builder().nanoClock(clock).build());
        Transfer t = new Transfer(FetchRequest.builder(server.url("/")).timeout(Duration.ofSeconds(5)).build());
        loop.multi().add(t);
        loop.runUntil(() -> t.state() == TransferState.PERFORMING, LIMIT);

        assertThat(loop.timerCalls()).last().isEqualTo(5000L);
        assertThat(loop.multi().timeout()).isEqualTo(5000L);
        clock.advance(Duration.ofMillis(4999));
        loop.turn(0);
        assertThat(t.state()).isEqualTo(TransferState.PERFORMING);

        clock.advance(Duration.ofMillis(1));
        loop.turn(0);

        assertThat(loop.messages()).singleElement().satisfies(m -> assertThat(m.result()).isEqualTo(FetchError.OPERATION_TIMEDOUT));
        assertThat(t.failure()).hasMessageContaining("timed out after 5000 ms");
        assertThat(loop.timerRemainingMs()).as("the expired timer is not re-armed").isEqualTo(-1L);
        assertThat(loop.multi().timeout()).isEqualTo(-1L);
        assertThat(loop.multi().runningHandles()).isZero();
    }

    @Test
    void whenSocketCallbackThrowsThenEveryTransferIsAbortedAndTheMultiStaysUsable() {
        server.defaultScript(ScriptedServer.script().pause(Duration.ofMillis(100)).ok("x"));
        loop(MultiOptions.DEFAULTS);
        boolean[] thrown = {false};
        loop.onSocketHook((t, socket, what, socketp) -> {
            if (!thrown[0]) {
                thrown[0] = true;
                throw new IllegalStateException("boom from the application");
            }
        });
        Transfer first = add(server.url("/a"));
        loop.runUntil(() -> first.state().isFinished(), LIMIT);

        assertThat(first.result()).isEqualTo(FetchError.ABORTED_BY_CALLBACK);
        assertThat(first.failure()).hasMessageContaining("boom from the application");

        Transfer second = add(server.url("/b"));
        loop.runUntil(() -> second.state().isFinished(), LIMIT);
        assertThat(second.result()).isEqualTo(FetchError.OK);
    }

    @Test
    void whenMultiIsClosedThenEveryCallIsRefused() {
        loop(MultiOptions.DEFAULTS);
        loop.multi().close();

        assertThatThrownBy(() -> loop.multi().add(new Transfer(FetchRequest.get(server.url("/")))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> loop.multi().timeoutAction()).isInstanceOf(IllegalStateException.class);
    }

    private static void tryCall(List<Throwable> refused, Runnable call) {
        try {
            call.run();
        } catch (IllegalStateException e) {
            refused.add(e);
        }
    }
}
