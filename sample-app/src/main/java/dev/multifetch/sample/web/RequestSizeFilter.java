package dev.multifetch.sample.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds the body of an {@code /api/**} call: a declared {@code Content-Length} above the limit
 * is a 413 before anything is read, and a body without one (chunked) fails with
 * {@link TooLargeException} once it passes the limit, which the exception handler turns into a 413.
 */
final class RequestSizeFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final ProblemWriter problems;

    RequestSizeFilter(long maxBytes, ProblemWriter problems) {
        this.maxBytes = maxBytes;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > this.maxBytes) {
            this.problems.write(request, response, HttpStatus.CONTENT_TOO_LARGE, message(this.maxBytes));
            return;
        }
        chain.doFilter(new LimitedRequest(request, this.maxBytes), response);
    }

    private static String message(long maxBytes) {
        return "the request body is larger than " + maxBytes + " bytes (multifetch.sample.limits.max-request-size)";
    }

    /** A request body past the limit. */
    static final class TooLargeException extends IOException {

        private static final long serialVersionUID = 1L;

        TooLargeException(long maxBytes) {
            super(message(maxBytes));
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {

        private final long maxBytes;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (this.stream == null) {
                this.stream = new LimitedStream(super.getInputStream(), this.maxBytes);
            }
            return this.stream;
        }
    }

    private static final class LimitedStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long maxBytes;
        private long read;

        LimitedStream(ServletInputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = this.in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = this.in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws TooLargeException {
            this.read += n;
            if (this.read > this.maxBytes) {
                throw new TooLargeException(this.maxBytes);
            }
        }

        @Override
        public boolean isFinished() {
            return this.in.isFinished();
        }

        @Override
        public boolean isReady() {
            return this.in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            this.in.setReadListener(listener);
        }
    }
}
