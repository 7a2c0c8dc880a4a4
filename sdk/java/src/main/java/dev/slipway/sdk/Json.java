package dev.slipway.sdk;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * A small, strict JSON reader and writer, so apps need no JSON library for push messages and
 * task payloads.
 *
 * <p>JSON maps to Java as: object → {@code Map<String, Object>} (unmodifiable, in document
 * order), array → {@code List<Object>} (unmodifiable), string → {@code String}, {@code true}/
 * {@code false} → {@code Boolean}, {@code null} → {@code null}, a number without fraction or
 * exponent → {@code Long} (or {@code BigInteger} beyond 64 bits), any other number →
 * {@code Double} (or {@code BigDecimal} beyond the double range).
 */
public final class Json {
  private Json() {}

  /**
   * Parses one JSON document.
   *
   * @param text the JSON text
   * @return the value, mapped as described on {@link Json}
   * @throws JsonException if the text is not exactly one valid JSON value; the message names the
   *     line, the column and what was expected
   */
  public static Object parse(String text) {
    return JsonParser.parse(text);
  }

  /**
   * Parses one JSON document from UTF-8 bytes.
   *
   * @param utf8 the JSON text encoded as UTF-8 (no byte order mark)
   * @return the value, mapped as described on {@link Json}
   * @throws JsonException if the bytes are not valid UTF-8 or not exactly one valid JSON value
   */
  public static Object parse(byte[] utf8) {
    if (utf8 == null) {
      throw new JsonException("Invalid JSON: the bytes are null");
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
      if (text.startsWith("\uFEFF")) {
        throw new JsonException("Invalid JSON: the text starts with a byte order mark");
      }
      return JsonParser.parse(text);
    } catch (CharacterCodingException e) {
      throw new JsonException("Invalid JSON: the bytes are not valid UTF-8");
    }
  }

  /**
   * Writes a value as compact JSON.
   *
   * @param value {@code null}, a {@code Boolean}, a {@code String}, a {@code Character}, a finite
   *     {@code Number} ({@code Integer}, {@code Long}, {@code Double}, {@code BigDecimal}, …), a
   *     {@code Map} with {@code String} keys, a {@code Collection} or an {@code Object[]} of such
   *     values
   * @return the JSON text
   * @throws JsonException if the value (or a nested one) has no JSON form, such as a NaN, a
   *     {@code byte[]}, a map with a non-string key, or nesting deeper than 512 levels
   */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    writeValue(out, value, false, 0);
    return out.toString();
  }

  /** Writes JSON with every non-ASCII character escaped, for HTTP header values. */
  static String writeAscii(Object value) {
    StringBuilder out = new StringBuilder();
    writeValue(out, value, true, 0);
    return out.toString();
  }

  private static void writeValue(StringBuilder out, Object value, boolean ascii, int depth) {
    if (depth > JsonParser.MAX_DEPTH) {
      throw new JsonException("Cannot write JSON: values are nested deeper than " + JsonParser.MAX_DEPTH
          + " levels (is there a cycle?)");
    }
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof CharSequence || value instanceof Character) {
      writeString(out, value.toString(), ascii);
    } else if (value instanceof Number) {
      writeNumber(out, (Number) value);
    } else if (value instanceof Map) {
      writeObject(out, (Map<?, ?>) value, ascii, depth);
    } else if (value instanceof Collection) {
      writeArray(out, (Collection<?>) value, ascii, depth);
    } else if (value instanceof Object[]) {
      writeArray(out, java.util.Arrays.asList((Object[]) value), ascii, depth);
    } else {
      throw new JsonException("Cannot write a " + value.getClass().getName() + " as JSON: use null, Boolean, "
          + "String, Number, Map<String, ?>, Collection or Object[]");
    }
  }

  private static void writeObject(StringBuilder out, Map<?, ?> map, boolean ascii, int depth) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String)) {
        throw new JsonException("Cannot write JSON: object member names must be strings (got "
            + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName()) + ")");
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      writeString(out, (String) entry.getKey(), ascii);
      out.append(':');
      writeValue(out, entry.getValue(), ascii, depth + 1);
    }
    out.append('}');
  }

  private static void writeArray(StringBuilder out, Collection<?> elements, boolean ascii, int depth) {
    out.append('[');
    boolean first = true;
    for (Object element : elements) {
      if (!first) {
        out.append(',');
      }
      first = false;
      writeValue(out, element, ascii, depth + 1);
    }
    out.append(']');
  }

  private static void writeNumber(StringBuilder out, Number number) {
    if (number instanceof Double || number instanceof Float) {
      double d = number.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new JsonException("Cannot write " + d + " as JSON: only finite numbers have a JSON form");
      }
      out.append(number instanceof Float ? Float.toString(number.floatValue()) : Double.toString(d));
    } else if (number instanceof Long || number instanceof Integer || number instanceof Short
        || number instanceof Byte || number instanceof BigInteger) {
      out.append(number);
    } else if (number instanceof BigDecimal) {
      out.append(((BigDecimal) number).toString());
    } else {
      throw new JsonException("Cannot write a " + number.getClass().getName() + " as JSON: use Integer, Long, "
          + "Double, BigInteger or BigDecimal");
    }
  }

  private static void writeString(StringBuilder out, String s, boolean ascii) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
          if (c < 0x20 || c == 0x7f || (ascii && c > 0x7e) || Character.isSurrogate(c) && !ascii
              && !isPairedSurrogate(s, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  /** A lone surrogate cannot be encoded as UTF-8, so the writer escapes it instead. */
  private static boolean isPairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
