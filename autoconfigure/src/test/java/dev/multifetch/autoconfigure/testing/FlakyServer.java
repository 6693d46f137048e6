package dev.multifetch.autoconfigure.testing;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.multifetch.core.testing.ScriptedServer;

/** A scripted loopback server whose first request is answered 503 (no Retry-After), every later one 200 with {@code body}. */
public final class FlakyServer {

    private FlakyServer() {
    }

    /** A new server that fails once, then answers {@code body}; close it after the test. */
    public static ScriptedServer failingOnceThen(String body) {
        AtomicInteger served = new AtomicInteger();
        return new ScriptedServer().dispatcher((index, request) -> (served.getAndIncrement() == 0)
                ? ScriptedServer.script().sendResponse(503, Map.of("Content-Length", "0"), "")
                : ScriptedServer.ok(body));
    }
}
