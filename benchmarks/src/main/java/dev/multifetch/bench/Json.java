package dev.multifetch.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Flat JSON objects of strings and numbers: enough for one result per line. */
final class Json {

    private Json() {
    }

    /** One object on one line. */
    static String line(Map<String, Object> fields) {
        StringJoiner j = new StringJoiner(",", "{", "}");
        fields.forEach((k, v) -> j.add(quote(k) + ":" + (v instanceof Number ? number((Number) v) : quote(String.valueOf(v)))));
        return j.toString();
    }

    /** Parses a line written by {@link #line}: numbers as {@link Double}, the rest as strings. */
    static Map<String, Object> parse(String line) {
        Map<String, Object> out = new LinkedHashMap<>();
        String body = line.strip();
        if (!body.startsWith("{") || !body.endsWith("}")) {
            throw new IllegalArgumentException("not a JSON object: " + line);
        }
        int i = 1;
        while (i < body.length() - 1) {
            int keyEnd = body.indexOf('"', i + 1);
            String key = body.substring(i + 1, keyEnd);
            int valueStart = keyEnd + 2;
            int valueEnd;
            Object value;
            if (body.charAt(valueStart) == '"') {
                valueEnd = body.indexOf('"', valueStart + 1) + 1;
                value = body.substring(valueStart + 1, valueEnd - 1);
            } else {
                valueEnd = body.indexOf(',', valueStart);
                valueEnd = valueEnd < 0 ? body.length() - 1 : valueEnd;
                value = Double.parseDouble(body.substring(valueStart, valueEnd));
            }
            out.put(key, value);
            i = valueEnd + 1;
        }
        return out;
    }

    private static String number(Number n) {
        double d = n.doubleValue();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
