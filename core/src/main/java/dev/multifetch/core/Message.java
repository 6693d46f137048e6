package dev.multifetch.core;

/**
 * A transfer has ended. Exactly one is posted for each added transfer. {@code result} is
 * {@link FetchError#OK} on success; otherwise {@link Transfer#failure()} says what happened.
 *
 * <p>libcurl: {@code CURLMsg} with {@code msg == CURLMSG_DONE}.
 */
public record Message(Transfer transfer, FetchError result) {
}
