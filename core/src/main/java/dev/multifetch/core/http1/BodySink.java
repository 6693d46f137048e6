package dev.multifetch.core.http1;

import java.nio.ByteBuffer;

/** Where decoded body bytes go. libcurl: the write callback. */
public interface BodySink {

    /** Takes {@code length} bytes from {@code src} at its position, advancing it. */
    void write(ByteBuffer src, int length) throws HttpException;
}
