package dev.multifetch.core.testing;

import dev.multifetch.core.testing.ScriptedServer.Script;

/**
 * The three ways an HTTP/1.1 response body can be framed, each making a whole 200 response for a
 * body, sent as a {@link Delivery} says: with {@code Content-Length}, chunked (1000-byte chunks),
 * or until the server closes the connection.
 */
public enum Framing {

    CONTENT_LENGTH {
        @Override
        public Script respond(Delivery delivery, byte[] body) {
            return delivery.of(Delivery.ok("", body));
        }
    },

    CHUNKED {
        @Override
        public Script respond(Delivery delivery, byte[] body) {
            return delivery.of(Delivery.response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked",
                    Delivery.chunked(body, 1000)));
        }
    },

    UNTIL_CLOSE {
        @Override
        public Script respond(Delivery delivery, byte[] body) {
            return delivery.of(Delivery.response("HTTP/1.1 200 OK\r\nConnection: close", body)).close();
        }
    };

    /** A script that answers with {@code body} in this framing. */
    public abstract Script respond(Delivery delivery, byte[] body);
}
