package dev.multifetch.core;

/**
 * Hears a transfer's progress each time bytes move, and may stop it (libcurl's xferinfo
 * callback). Totals are -1 when unknown. Called on the selector thread: must not block.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * Bytes moved so far. Return {@code false} to abort the transfer with
     * {@link FetchError#ABORTED_BY_CALLBACK}; throwing does the same.
     */
    boolean onProgress(long downloadTotal, long downloaded, long uploadTotal, long uploaded) throws Exception;
}
