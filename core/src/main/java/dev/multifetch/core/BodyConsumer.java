package dev.multifetch.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Receives a response body as it arrives, instead of the engine keeping it in memory
 * (libcurl's write callback). Called on the selector thread: it must not block. Returning
 * {@code false} from {@link #onData} pauses the transfer (the socket is no longer read, so the
 * server is slowed by TCP back-pressure) until {@link TransferControl#resume()} is called from
 * any thread; nothing is buffered without bound meanwhile. A method that throws ends the
 * transfer with {@link FetchError#ABORTED_BY_CALLBACK}. The response given to the future then
 * has an empty {@code body()}.
 */
public interface BodyConsumer {

    /** The final response head arrived; the body follows. {@code control} can resume after a pause. */
    default void onStart(int status, Headers headers, TransferControl control) throws Exception {
    }

    /**
     * Takes body bytes (decoded, at most 64 KiB at a time): those between the read-only buffer's
     * position and limit (the position need not be 0). The bytes are reused after the call
     * returns: copy what you keep. Return {@code true} to go on, {@code false} to pause.
     */
    boolean onData(ByteBuffer data) throws Exception;

    /** The body is complete. */
    default void onComplete() throws Exception {
    }

    /**
     * Writes the body to {@code file} (created or truncated), like curl's default {@code fwrite}
     * write callback: local file writes happen on the selector thread.
     */
    static BodyConsumer toFile(Path file) {
        return new BodyConsumer() {
            private FileChannel channel;

            @Override
            public void onStart(int status, Headers headers, TransferControl control) throws IOException {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            }

            @Override
            public boolean onData(ByteBuffer data) throws IOException {
                while (data.hasRemaining()) {
                    channel.write(data);
                }
                return true;
            }

            @Override
            public void onComplete() throws IOException {
                channel.close();
            }

            @Override
            public void onAbort() {
                if (channel != null) {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
    }

    /** The transfer failed or was cancelled after {@link #onStart}: release what you hold. */
    default void onAbort() {
    }
}
