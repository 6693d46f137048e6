package dev.multifetch.sample.web;

import java.time.Duration;
import java.util.List;

import dev.multifetch.sample.fetch.FetchSpec;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The JSON body of {@code POST /api/batch}.
 *
 * @param requests the fetches, each as for {@code POST /api/fetch}
 * @param concurrency how many run at once; the service's default when absent
 * @param minIntervalMs least time between the starts of two of its requests, whatever their
 * hosts; none when absent
 */
@Schema(description = "Fetches to run together")
record BatchSpec(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<FetchSpec> requests,
        @Schema(description = "How many requests run at once") Integer concurrency,
        @Schema(description = "Least time between the starts of two requests of this batch, in ms, 0 to "
                + "multifetch.sample.limits.max-batch-interval (default 0). The engine's multifetch.politeness.* "
                + "paces and blocks each host for every caller besides") Long minIntervalMs) {

    /** The spacing asked for, zero when absent. */
    Duration minInterval() {
        return (this.minIntervalMs != null) ? Duration.ofMillis(this.minIntervalMs) : Duration.ZERO;
    }
}
