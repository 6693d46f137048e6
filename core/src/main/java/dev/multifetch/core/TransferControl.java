package dev.multifetch.core;

/**
 * Lets a {@link BodyConsumer} resume a paused transfer. Thread-safe: call it from any thread.
 * libcurl: curl_easy_pause with CURLPAUSE_CONT.
 */
public interface TransferControl {

    /** Starts delivering body bytes again; does nothing if the transfer is not paused or has ended. */
    void resume();
}
