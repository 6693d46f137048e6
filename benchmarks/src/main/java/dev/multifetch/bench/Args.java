package dev.multifetch.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line arguments. */
final class Args {

    private Args() {
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --name value but got \"" + argv[i] + "\"");
            }
            map.put(argv[i].substring(2), argv[++i]);
        }
        return map;
    }

    static String string(Map<String, String> args, String name, String fallback) {
        String v = args.getOrDefault(name, fallback);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    static int integer(Map<String, String> args, String name, int fallback) {
        String v = args.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("--" + name + " is not a whole number: \"" + v + "\"");
        }
    }
}
