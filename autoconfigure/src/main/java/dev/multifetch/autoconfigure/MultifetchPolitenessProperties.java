package dev.multifetch.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.multifetch.core.PacingKey;
import dev.multifetch.core.Politeness;

import org.springframework.validation.Errors;

/**
 * How gently the engine treats each host, bound from {@code multifetch.politeness.*} as a part of
 * {@link MultifetchProperties} and mapped onto core's {@link Politeness}: a least interval and/or
 * a rate between request starts per host ({@link PaceProperties}), per-host rules, and host blocks
 * on a {@code Retry-After}. Nothing is paced or blocked unless a property asks; then no thread
 * sleeps, the engine's timer holds the waiting requests.
 */
public class MultifetchPolitenessProperties extends PaceProperties {

    /**
     * What is paced and blocked together: origin (scheme, host and port), domain (the registrable
     * domain, so www.example.com and api.example.com share a pace) or ip (the address the host
     * resolved to, so names served by one machine share its pace).
     */
    private String key = "origin";

    /**
     * Whether a 429 or 503 answer with Retry-After holds every request to its host until then (at
     * most max-block), other hosts unaffected. Unset: on when min-interval, rate or hosts paces
     * anything, off otherwise.
     */
    private Boolean blockOnRetryAfter;

    /** Longest a Retry-After may block a host; a longer one blocks it this long. */
    private Duration maxBlock = Duration.ofMinutes(10);

    /**
     * Per-host paces, the first whose pattern matches a host wins over min-interval and rate:
     * pattern (a host name covers itself and every host under it, * covers every host), and its
     * own min-interval, rate and burst.
     */
    private List<Host> hosts = new ArrayList<>();

    public String getKey() {
        return this.key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public Boolean getBlockOnRetryAfter() {
        return this.blockOnRetryAfter;
    }

    public void setBlockOnRetryAfter(Boolean blockOnRetryAfter) {
        this.blockOnRetryAfter = blockOnRetryAfter;
    }

    public Duration getMaxBlock() {
        return this.maxBlock;
    }

    public void setMaxBlock(Duration maxBlock) {
        this.maxBlock = maxBlock;
    }

    public List<Host> getHosts() {
        return this.hosts;
    }

    public void setHosts(List<Host> hosts) {
        this.hosts = hosts;
    }

    /** Whether any request start is paced: an interval, a rate or a host rule. */
    @Override
    boolean paces() {
        return super.paces() || !this.hosts.isEmpty();
    }

    /** Whether a Retry-After blocks its host: as set, else whenever anything is paced. */
    boolean blocksOnRetryAfter() {
        return (this.blockOnRetryAfter != null) ? this.blockOnRetryAfter : paces();
    }

    /**
     * Core's politeness these properties describe; with nothing set it paces and blocks nothing.
     *
     * @throws IllegalArgumentException for a value {@link #validate} rejects
     */
    Politeness toPoliteness() {
        Politeness.Builder politeness = Politeness.builder()
            .minInterval(getMinInterval())
            .rate(toRate())
            .key(pacingKey(this.key))
            .blockOnRetryAfter(blocksOnRetryAfter())
            .maxBlock(this.maxBlock);
        for (Host host : this.hosts) {
            politeness.rule(host.pattern, host.getMinInterval(), host.toRate());
        }
        return politeness.build();
    }

    /** Rejects each value core refuses, the fields named from {@code multifetch}. */
    void validate(Errors errors) {
        validate(errors, "politeness.");
        PropertyReasons.check(errors, "politeness.key", () -> pacingKey(this.key));
        PropertyReasons.check(errors, "politeness.maxBlock", () -> Politeness.builder().maxBlock(this.maxBlock));
        for (int i = 0; i < this.hosts.size(); i++) {
            Host host = this.hosts.get(i);
            String prefix = "politeness.hosts[" + i + "].";
            PropertyReasons.check(errors, prefix + "pattern", () -> new Politeness.HostRule(host.pattern, null, null));
            host.validate(errors, prefix);
        }
    }

    /** The key {@code name} names, in any case; a blank name is none, which core refuses. */
    private static PacingKey pacingKey(String name) {
        if (name == null || name.isBlank()) {
            throw new NullPointerException("politeness key");
        }
        for (PacingKey key : PacingKey.values()) {
            if (key.name().equalsIgnoreCase(name.strip())) {
                return key;
            }
        }
        throw new IllegalArgumentException("\"" + name + "\" is not one of origin, domain, ip");
    }

    /** A pace of its own for the hosts a pattern names: min-interval, rate and burst as for every host. */
    public static class Host extends PaceProperties {

        /**
         * The hosts this pace is for: a host name (api.example.com, also covering every host under
         * it; a leading *. or . is the same), or * for every host.
         */
        private String pattern;

        public String getPattern() {
            return this.pattern;
        }

        public void setPattern(String pattern) {
            this.pattern = pattern;
        }
    }
}
