package dev.multifetch.sample.web;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * Notices a client that went away while its answer is still being worked on. A servlet container
 * learns that a connection closed only when it writes to it, and an answer waiting for a slow
 * target writes nothing; so every {@code period} a watched answer gets one space, which JSON
 * allows before any value (before the object of {@code /api/fetch}, before the next line of an
 * NDJSON batch). A write that fails means the client is gone: the watch runs its {@code onGone}
 * (cancel the fetches) once. One daemon thread ({@code call-watch}) serves every watch.
 */
final class CallWatch implements DisposableBean {

    /** A space: whitespace JSON allows before a value, so a reader sees no difference. */
    private static final String BEAT = " ";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
        Thread thread = new Thread(task, "call-watch");
        thread.setDaemon(true);
        return thread;
    });

    private final Duration period;

    CallWatch(Duration period) {
        this.period = period;
    }

    /** Watches {@code emitter} until {@link Watch#stop()}; {@code onGone} runs once if its client is found gone. */
    Watch watch(ResponseBodyEmitter emitter, Runnable onGone) {
        Watch watch = new Watch(emitter, onGone);
        long millis = this.period.toMillis();
        watch.task = this.timer.scheduleWithFixedDelay(watch::beat, millis, millis, TimeUnit.MILLISECONDS);
        return watch;
    }

    @Override
    public void destroy() {
        this.timer.shutdownNow();
    }

    /** One watched answer. */
    static final class Watch {

        private final ResponseBodyEmitter emitter;
        private final Runnable onGone;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private volatile ScheduledFuture<?> task;

        private Watch(ResponseBodyEmitter emitter, Runnable onGone) {
            this.emitter = emitter;
            this.onGone = onGone;
        }

        /** Stops watching: the answer is complete, or its client is known gone. */
        void stop() {
            if (this.stopped.compareAndSet(false, true) && this.task != null) {
                this.task.cancel(false);
            }
        }

        private void beat() {
            if (this.stopped.get()) {
                return;
            }
            try {
                this.emitter.send(BEAT, MediaType.TEXT_PLAIN);
            } catch (IOException | IllegalStateException gone) {
                if (!this.stopped.get()) {
                    stop();
                    this.onGone.run();
                    this.emitter.completeWithError(gone);
                }
            }
        }
    }
}
