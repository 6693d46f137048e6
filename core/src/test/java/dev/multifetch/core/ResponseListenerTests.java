package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.multifetch.core.testing.Bodies;
import dev.multifetch.core.testing.Delivery;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The header listener (libcurl's header callback) and the progress listener (xferinfo): what
 * they hear of interim heads, the final head, trailers and byte counts, and a listener that stops
 * the transfer by returning false or throwing.
 */
@Timeout(20)
class ResponseListenerTests {

    private static final String INTERIM_FINAL_AND_TRAILERS = "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 102 Processing\r\nX-Interim: yes\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Final: yes\r\n\r\n"
            + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\nX-Count: 2\r\n\r\n";

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final FetchEngine engine = loopback.engine(MultiOptions.DEFAULTS);
    private final ScriptedServer server = loopback.server();

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void headerListenerHearsInterimHeadsTheFinalHeadAndTrailersWhichStayOutOfTheBody(Delivery delivery)
            throws Exception {
        server.defaultScript(delivery.of(INTERIM_FINAL_AND_TRAILERS.getBytes(StandardCharsets.ISO_8859_1)));
        RecordingHeaders heads = new RecordingHeaders(null);

        FetchResponse response = succeeds(engine.fetch(FetchRequest.builder(server.url("/heads"))
                .headerListener(heads).build()));

        assertThat(heads.heads).extracting(Head::status, Head::version, Head::interim).containsExactly(
                tuple(100, "HTTP/1.1", true),
                tuple(102, "HTTP/1.1", true),
                tuple(200, "HTTP/1.1", false));
        assertThat(heads.heads.get(1).headers().first("X-Interim")).contains("yes");
        assertThat(heads.heads.get(2).headers().first("X-Final")).contains("yes");
        assertThat(heads.trailers).hasSize(1);
        assertThat(heads.trailers.get(0).first("X-Checksum")).contains("abc");
        assertThat(heads.trailers.get(0).first("X-Count")).contains("2");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("hello world");
        assertThat(response.trailers().first("X-Checksum")).contains("abc");
        assertThat(response.headers().contains("X-Interim")).isFalse();
        assertThat(response.headers().contains("X-Checksum")).isFalse();
    }

    /** Where a faulty header listener throws. */
    enum HeadFault { INTERIM, FINAL, TRAILERS }

    @ParameterizedTest
    @EnumSource(HeadFault.class)
    void whenHeaderListenerThrowsThenAbortedByCallbackWithItsException(HeadFault fault) throws Exception {
        server.defaultScript(script().send(INTERIM_FINAL_AND_TRAILERS));
        RecordingHeaders heads = new RecordingHeaders(fault);

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/faulty"))
                .headerListener(heads).build()));

        assertThat(failure.error()).isEqualTo(FetchError.ABORTED_BY_CALLBACK);
        assertThat(failure).hasRootCause(heads.thrown);
    }

    @Test
    void progressListenerHearsTheDownloadGrowToItsAnnouncedTotal() throws Exception {
        byte[] body = Bodies.random(1024 * 1024);
        server.defaultScript(Delivery.SPLIT_AT_SEVERAL_POINTS.of(Delivery.ok("", body)));
        RecordingProgress progress = new RecordingProgress(Long.MAX_VALUE);

        succeeds(engine.fetch(FetchRequest.builder(server.url("/download")).progressListener(progress).build()));

        List<Long> downloaded = progress.calls.stream().map(c -> c[1]).toList();
        assertThat(downloaded).isSortedAccordingTo(Comparator.naturalOrder()).contains((long) body.length)
                .anySatisfy(n -> assertThat(n).isStrictlyBetween(0L, (long) body.length));
        assertThat(progress.calls).filteredOn(c -> c[1] > 0).allSatisfy(c -> assertThat(c[0]).isEqualTo(body.length));
    }

    @Test
    void progressListenerHearsTheUploadGrowToItsTotal() throws Exception {
        byte[] body = Bodies.random(1024 * 1024);
        server.defaultScript(Delivery.WHOLE.of(Delivery.ok("", new byte[0])));
        RecordingProgress progress = new RecordingProgress(Long.MAX_VALUE);

        succeeds(engine.fetch(FetchRequest.builder(server.url("/upload")).method("PUT")
                .body(RequestBody.ofStream(() -> new ByteArrayInputStream(body), body.length))
                .progressListener(progress).build()));

        List<Long> uploaded = progress.calls.stream().map(c -> c[3]).toList();
        assertThat(uploaded).isSortedAccordingTo(Comparator.naturalOrder()).contains((long) body.length)
                .anySatisfy(n -> assertThat(n).isStrictlyBetween(0L, (long) body.length));
        assertThat(progress.calls).allSatisfy(c -> assertThat(c[2]).isEqualTo(body.length));
        assertThat(server.awaitRequests(1).get(0).body()).isEqualTo(body);
    }

    @Test
    void whenProgressListenerReturnsFalseThenAbortedByCallbackWithoutWaitingForTheStalledServer() throws Exception {
        server.defaultScript(script().send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nten bytes.").stall());
        RecordingProgress progress = new RecordingProgress(1);

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/stop"))
                .progressListener(progress).build()));

        assertThat(failure.error()).isEqualTo(FetchError.ABORTED_BY_CALLBACK);
        assertThat(progress.calls).last().satisfies(c -> assertThat(c[1]).isEqualTo(10));
    }

    @Test
    void whenProgressListenerThrowsThenAbortedByCallbackWithItsException() throws Exception {
        server.defaultScript(script().send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nten bytes.").stall());
        IllegalStateException thrown = new IllegalStateException("progress broke");

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/throw"))
                .progressListener((dlTotal, dl, ulTotal, ul) -> {
                    throw thrown;
                }).build()));

        assertThat(failure.error()).isEqualTo(FetchError.ABORTED_BY_CALLBACK);
        assertThat(failure).hasRootCause(thrown);
    }

    /** One response head as the header listener heard it. */
    record Head(int status, String version, Headers headers, boolean interim) {
    }

    /** Records every head and trailer block; throws at the step {@code fault} names, if any. */
    private static final class RecordingHeaders implements HeaderListener {

        final List<Head> heads = new CopyOnWriteArrayList<>();
        final List<Headers> trailers = new CopyOnWriteArrayList<>();
        final IllegalStateException thrown = new IllegalStateException("header listener broke");
        private final HeadFault fault;

        RecordingHeaders(HeadFault fault) {
            this.fault = fault;
        }

        @Override
        public void onHeaders(int status, String httpVersion, Headers headers, boolean interim) {
            heads.add(new Head(status, httpVersion, headers, interim));
            if (fault == (interim ? HeadFault.INTERIM : HeadFault.FINAL)) {
                throw thrown;
            }
        }

        @Override
        public void onTrailers(Headers fields) {
            trailers.add(fields);
            if (fault == HeadFault.TRAILERS) {
                throw thrown;
            }
        }
    }

    /** Records every call as {downloadTotal, downloaded, uploadTotal, uploaded}; stops once {@code stopAt} bytes came. */
    private static final class RecordingProgress implements ProgressListener {

        final List<long[]> calls = new CopyOnWriteArrayList<>();
        private final long stopAt;

        RecordingProgress(long stopAt) {
            this.stopAt = stopAt;
        }

        @Override
        public boolean onProgress(long downloadTotal, long downloaded, long uploadTotal, long uploaded) {
            calls.add(new long[] {downloadTotal, downloaded, uploadTotal, uploaded});
            return downloaded < stopAt;
        }
    }
}
