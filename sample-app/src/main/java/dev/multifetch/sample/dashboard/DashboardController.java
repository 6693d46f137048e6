package dev.multifetch.sample.dashboard;

import java.time.Duration;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The dashboard's server-sent event stream; the page itself is the static {@code index.html}. */
@RestController
@Tag(name = "dashboard", description = "The live dashboard's feed")
class DashboardController {

    /** A browser's EventSource reconnects by itself when a stream ends. */
    private static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);

    private final DashboardFeed feed;

    DashboardController(DashboardFeed feed) {
        this.feed = feed;
    }

    @GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Server-sent events: a hello with history and recent transfers, then a tick per second")
    SseEmitter events() {
        return this.feed.subscribe(STREAM_LIFETIME);
    }
}
