package dev.multifetch.core.http1;

import java.nio.ByteBuffer;

/** A body that ends when the server closes the connection; the connection is never reused. */
final class UntilCloseBody implements BodyDecoder {

    private long received;

    @Override
    public long payloadBytes() {
        return received;
    }

    @Override
    public boolean decode(ByteBuffer in, BodySink sink) throws HttpException {
        while (in.hasRemaining() && !sink.paused()) {
            int n = Math.min(in.remaining(), PIECE);
            sink.write(in, n);
            received += n;
        }
        return false;
    }

    @Override
    public void endOfInput() {
        // the close is the end of this body
    }

    @Override
    public boolean reusable() {
        return false;
    }
}
