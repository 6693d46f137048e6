package dev.multifetch.autoconfigure.kafka;

import java.util.concurrent.CompletableFuture;

/**
 * Runs one job on the worker: checks its request (the jobs topic is a trust boundary: whatever
 * checked the URL at submission, check it again here), fetches it and says what came of it. Called
 * on the consumer thread, so it must not block: start the fetch and return its future. A target
 * that fails, times out or is refused is an outcome; the future fails only when the worker itself
 * cannot run the job, which the worker treats as an infrastructure failure (retried, then dead
 * letter). Cancelling the future (the job's partition was revoked) must stop the fetch.
 *
 * <p>Auto-configured: {@link EngineJobHandler} on the {@code FetchEngine} bean; a bean of this
 * type replaces it.
 */
@FunctionalInterface
public interface FetchJobHandler {

    /** Starts {@code job}; the future completes with its outcome. */
    CompletableFuture<JobOutcome> handle(FetchJob job);
}
