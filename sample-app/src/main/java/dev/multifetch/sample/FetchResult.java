package dev.multifetch.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.Timings;

/**
 * The JSON answer of {@code GET /api/fetch}: the target's response, or the error that ended the
 * transfer. Exactly one of {@code status} and {@code error} is non-null.
 *
 * @param url the URL asked for
 * @param effectiveUrl the URL the response came from, or {@code null} on error
 * @param status the target's status code, or {@code null} on error
 * @param httpVersion the protocol of the target's status line, or {@code null} on error
 * @param headers the target's header fields as {@code [name, value]} pairs, in order received
 * @param body the body as text, or {@code null} on error
 * @param bodyBytes the length of the body in bytes
 * @param timings when each phase finished, or {@code null} on error
 * @param error why the transfer failed, or {@code null} when it succeeded
 */
public record FetchResult(String url, String effectiveUrl, Integer status, String httpVersion,
        List<List<String>> headers, String body, int bodyBytes, PhaseTimes timings, Failure error) {

    /** The result of a transfer that got a response (any status). */
    static FetchResult of(String url, FetchResponse response) {
        List<List<String>> headers = response.headers()
            .entries()
            .stream()
            .map((Map.Entry<String, String> field) -> List.of(field.getKey(), field.getValue()))
            .toList();
        return new FetchResult(url, response.effectiveUrl(), response.status(), response.httpVersion(), headers,
                response.bodyAsString(), response.body().length, PhaseTimes.of(response.timings()), null);
    }

    /** The result of a transfer that ended in {@code failure}. */
    static FetchResult failed(String url, FetchException failure) {
        String code = failure.error().name();
        String message = failure.getMessage();
        // FetchException prefixes its message with the code, which has a field of its own here
        if (message.startsWith(code + ": ")) {
            message = message.substring(code.length() + 2);
        }
        return new FetchResult(url, null, null, null, List.of(), null, 0, null, new Failure(code, message));
    }

    /**
     * When each phase of the transfer finished, in milliseconds (microsecond precision) since the
     * transfer started. libcurl: the {@code CURLINFO_*_TIME_T} values.
     */
    public record PhaseTimes(double namelookupMs, double connectMs, double appconnectMs, double pretransferMs,
            double starttransferMs, double totalMs) {

        static PhaseTimes of(Timings timings) {
            return new PhaseTimes(ms(timings.namelookup()), ms(timings.connect()), ms(timings.appconnect()),
                    ms(timings.pretransfer()), ms(timings.starttransfer()), ms(timings.total()));
        }

        private static double ms(Duration duration) {
            return (duration.toNanos() / 1_000) / 1_000.0;
        }
    }

    /**
     * Why a transfer failed.
     *
     * @param code the {@link dev.multifetch.core.FetchError} name, such as {@code COULDNT_CONNECT}
     * @param message what happened
     */
    public record Failure(String code, String message) {
    }
}
