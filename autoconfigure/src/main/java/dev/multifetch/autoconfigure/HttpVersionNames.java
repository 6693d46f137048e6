package dev.multifetch.autoconfigure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.multifetch.core.HttpVersion;

/**
 * The names of the {@link HttpVersion}s in configuration and in JSON: {@code http1.1},
 * {@code http2} and {@code http2-prior-knowledge}, curl's command-line options {@code --http1.1},
 * {@code --http2} and {@code --http2-prior-knowledge} without their dashes. Names are matched
 * exactly.
 */
public final class HttpVersionNames {

    private static final Map<String, HttpVersion> BY_NAME = byName();

    private HttpVersionNames() {
    }

    private static Map<String, HttpVersion> byName() {
        Map<String, HttpVersion> names = new LinkedHashMap<>();
        names.put("http1.1", HttpVersion.HTTP_1_1);
        names.put("http2", HttpVersion.HTTP_2);
        names.put("http2-prior-knowledge", HttpVersion.HTTP_2_PRIOR_KNOWLEDGE);
        return Collections.unmodifiableMap(names);
    }

    /** The version named {@code name}, or empty when {@code name} is none of {@link #names()}. */
    public static Optional<HttpVersion> parse(String name) {
        return Optional.ofNullable((name != null) ? BY_NAME.get(name) : null);
    }

    /** The name of {@code version}. */
    public static String nameOf(HttpVersion version) {
        return BY_NAME.entrySet()
            .stream()
            .filter((entry) -> entry.getValue() == version)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no name for " + version));
    }

    /** Every name, in the order {@code http1.1}, {@code http2}, {@code http2-prior-knowledge}. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** {@code "name" is not one of http1.1, http2, http2-prior-knowledge}, for messages. */
    public static String notOneOf(String name) {
        return "\"" + name + "\" is not one of " + String.join(", ", names());
    }
}
