package dev.multifetch.core.multi;

import dev.multifetch.core.http1.Target;
import java.util.LinkedHashMap;
import java.util.Map;

/** The last few hundred URLs taken apart: services fetch the same URLs again and again. */
final class Targets {

    private static final int KEPT = 256;

    private Targets() {
    }

    /** An access-ordered map that forgets the least recently used URL beyond {@value #KEPT}. */
    static Map<String, Target> cache() {
        return new LinkedHashMap<>(512, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Target> eldest) {
                return size() > KEPT;
            }
        };
    }
}
