package dev.multifetch.core;

import java.nio.channels.SelectableChannel;

/**
 * Told whenever the interest on a socket changes, and only then. Called on the driving thread
 * from inside {@link Multi#add}, {@link Multi#remove}, {@link Multi#socketAction} or
 * {@link Multi#close}; it must not call back into the multi handle except
 * {@link Multi#assign} and {@link Multi#infoRead}. libcurl: {@code CURLMOPT_SOCKETFUNCTION}.
 */
@FunctionalInterface
public interface SocketCallback {

    /**
     * Updates the watch on {@code socket}.
     *
     * @param transfer the transfer using the socket, or {@code null} for a socket the multi
     *                 handle owns itself (an idle pooled connection, the resolver's wakeup pipe),
     *                 as libcurl's internal admin handle
     * @param socket   the channel to watch; the same object every time for the same socket
     * @param what     the new interest
     * @param socketp  what the application last gave {@link Multi#assign} for this socket, or
     *                 {@code null}
     */
    void onSocket(Transfer transfer, SelectableChannel socket, PollAction what, Object socketp);
}
