package dev.multifetch.core;

/** What {@link Politeness} paces and blocks together. */
public enum PacingKey {
    /** Scheme, host and port of the URL: {@code https://example.com:443}. */
    ORIGIN,
    /**
     * The registrable domain of the host ({@code www.example.co.uk} and {@code api.example.co.uk}
     * are {@code example.co.uk}); an IP literal stands for itself.
     */
    DOMAIN,
    /**
     * The host's address as the engine's DNS cache holds it, so names that share a server share
     * its pace; a host not resolved yet is paced by its name until it is.
     */
    IP
}
