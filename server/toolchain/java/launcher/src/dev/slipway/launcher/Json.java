package dev.slipway.launcher;

import java.util.Map;

/**
 * Writes the few JSON objects the launcher replies with. The launcher ships without third-party
 * jars, and its replies are flat objects of strings, numbers, booleans and arrays of such objects.
 */
final class Json {
    private final StringBuilder text = new StringBuilder("{");

    /** Adds a string, number, boolean, {@code null}, nested {@link Json} or iterable of those. */
    Json put(String name, Object value) {
        if (text.length() > 1) {
            text.append(',');
        }
        quote(name);
        text.append(':');
        append(value);
        return this;
    }

    /** Adds every entry of a map whose values are numbers, strings or booleans. */
    Json putAll(Map<String, ?> values) {
        values.forEach(this::put);
        return this;
    }

    @Override
    public String toString() {
        return text + "}";
    }

    private void append(Object value) {
        if (value == null) {
            text.append("null");
        } else if (value instanceof Json nested) {
            text.append(nested);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            text.append(value);
        } else if (value instanceof Number number) {
            double real = number.doubleValue();
            text.append(Double.isFinite(real) ? Double.toString(real) : "null");
        } else if (value instanceof Iterable<?> items) {
            text.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    text.append(',');
                }
                first = false;
                append(item);
            }
            text.append(']');
        } else {
            quote(value.toString());
        }
    }

    private void quote(String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }
}
