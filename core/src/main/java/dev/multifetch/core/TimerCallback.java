package dev.multifetch.core;

/**
 * Told when the multi handle's single timer must change. {@code -1}: delete the timer;
 * {@code 0}: call {@link Multi#timeoutAction()} as soon as possible (on the next loop turn, never
 * from inside this callback); {@code n}: call it in {@code n} milliseconds. Each call replaces
 * the previous timer. It is called only when the absolute expiry changes. Same re-entrancy rules as
 * {@link SocketCallback}. libcurl: {@code CURLMOPT_TIMERFUNCTION}.
 */
@FunctionalInterface
public interface TimerCallback {

    /** Replaces the timer with one that fires in {@code timeoutMs} ms, or deletes it on -1. */
    void onTimer(long timeoutMs);
}
