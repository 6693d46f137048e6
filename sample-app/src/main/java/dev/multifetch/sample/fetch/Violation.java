package dev.multifetch.sample.fetch;

/**
 * One broken rule of a request: the JSON field ({@code url}, {@code requests[2].timeoutMs}), the
 * rule's name ({@code scheme}, {@code range}, ...) and a message saying what was wrong.
 */
public record Violation(String field, String rule, String message) {
}
