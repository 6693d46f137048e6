package dev.multifetch.sample.web;

import java.util.List;

import dev.multifetch.sample.fetch.FetchSpec;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The JSON body of {@code POST /api/batch}.
 *
 * @param requests the fetches, each as for {@code POST /api/fetch}
 * @param concurrency how many run at once; the service's default when absent
 */
@Schema(description = "Fetches to run together")
record BatchSpec(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<FetchSpec> requests,
        @Schema(description = "How many requests run at once") Integer concurrency) {
}
