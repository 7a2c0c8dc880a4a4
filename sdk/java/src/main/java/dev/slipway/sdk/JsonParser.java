package dev.slipway.sdk;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser: one value, no trailing commas, comments, leading zeros, control
 * characters in strings or duplicate object members. Errors name the line and column.
 */
final class JsonParser {
  /** Deep enough for any real document; stops a hostile one from overflowing the stack. */
  static final int MAX_DEPTH = 512;

  private final String text;
  private int position;
  private int depth;

  private JsonParser(String text) {
    this.text = text;
  }

  /** Parses a whole document. */
  static Object parse(String text) {
    if (text == null) {
      throw new JsonException("Invalid JSON: the text is null");
    }
    JsonParser parser = new JsonParser(text);
    parser.skipWhitespace();
    if (parser.atEnd()) {
      throw parser.error("expected a JSON value but the text is empty");
    }
    Object value = parser.readValue();
    parser.skipWhitespace();
    if (!parser.atEnd()) {
      throw parser.error("expected the end of the text after the value but found " + parser.describeNext());
    }
    return value;
  }

  private Object readValue() {
    if (atEnd()) {
      throw error("expected a value but the text ended");
    }
    char c = text.charAt(position);
    switch (c) {
      case '{':
        return readObject();
      case '[':
        return readArray();
      case '"':
        return readString();
      case 't':
        return readLiteral("true", Boolean.TRUE);
      case 'f':
        return readLiteral("false", Boolean.FALSE);
      case 'n':
        return readLiteral("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return readNumber();
        }
        throw error("expected a value but found " + describeNext());
    }
  }

  private Map<String, Object> readObject() {
    enter();
    position++; // '{'
    Map<String, Object> members = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      position++;
      depth--;
      return Collections.unmodifiableMap(members);
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a member name in double quotes but found " + describeNext());
      }
      int nameAt = position;
      String name = readString();
      if (members.containsKey(name)) {
        position = nameAt;
        throw error("duplicate member name \"" + name + "\"");
      }
      skipWhitespace();
      expect(':', "':' after the member name");
      skipWhitespace();
      members.put(name, readValue());
      skipWhitespace();
      char next = peek();
      if (next == ',') {
        position++;
        continue;
      }
      if (next == '}') {
        position++;
        depth--;
        return Collections.unmodifiableMap(members);
      }
      throw error("expected ',' or '}' but found " + describeNext());
    }
  }

  private List<Object> readArray() {
    enter();
    position++; // '['
    List<Object> elements = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      position++;
      depth--;
      return Collections.unmodifiableList(elements);
    }
    while (true) {
      skipWhitespace();
      elements.add(readValue());
      skipWhitespace();
      char next = peek();
      if (next == ',') {
        position++;
        continue;
      }
      if (next == ']') {
        position++;
        depth--;
        return Collections.unmodifiableList(elements);
      }
      throw error("expected ',' or ']' but found " + describeNext());
    }
  }

  private String readString() {
    position++; // opening quote
    StringBuilder out = new StringBuilder();
    while (true) {
      if (atEnd()) {
        throw error("the string is not closed (missing '\"')");
      }
      char c = text.charAt(position);
      if (c == '"') {
        position++;
        return out.toString();
      }
      if (c < 0x20) {
        throw error("control character U+" + String.format("%04X", (int) c) + " must be escaped in a string");
      }
      if (c != '\\') {
        out.append(c);
        position++;
        continue;
      }
      position++;
      if (atEnd()) {
        throw error("the string ends inside an escape");
      }
      char escape = text.charAt(position);
      switch (escape) {
        case '"': out.append('"'); break;
        case '\\': out.append('\\'); break;
        case '/': out.append('/'); break;
        case 'b': out.append('\b'); break;
        case 'f': out.append('\f'); break;
        case 'n': out.append('\n'); break;
        case 'r': out.append('\r'); break;
        case 't': out.append('\t'); break;
        case 'u':
          out.append(readHexEscape());
          continue;
        default:
          throw error("invalid escape '\\" + escape + "' in a string");
      }
      position++;
    }
  }

  private char readHexEscape() {
    if (position + 5 > text.length()) {
      throw error("'\\u' needs four hex digits");
    }
    int code = 0;
    for (int i = 1; i <= 4; i++) {
      int digit = Character.digit(text.charAt(position + i), 16);
      if (digit < 0) {
        throw error("'\\u' needs four hex digits");
      }
      code = code * 16 + digit;
    }
    position += 5;
    return (char) code;
  }

  private Object readNumber() {
    int start = position;
    if (peek() == '-') {
      position++;
    }
    if (peek() == '0') {
      position++;
      if (isDigit(peek())) {
        throw error("numbers cannot have leading zeros");
      }
    } else if (isDigit(peek())) {
      skipDigits();
    } else {
      throw error("expected a digit but found " + describeNext());
    }
    boolean integer = true;
    if (peek() == '.') {
      integer = false;
      position++;
      if (!isDigit(peek())) {
        throw error("expected a digit after the decimal point but found " + describeNext());
      }
      skipDigits();
    }
    if (peek() == 'e' || peek() == 'E') {
      integer = false;
      position++;
      if (peek() == '+' || peek() == '-') {
        position++;
      }
      if (!isDigit(peek())) {
        throw error("expected a digit in the exponent but found " + describeNext());
      }
      skipDigits();
    }
    String literal = text.substring(start, position);
    if (integer) {
      BigInteger value = new BigInteger(literal);
      return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }
    double value = Double.parseDouble(literal);
    return Double.isInfinite(value) ? new BigDecimal(literal) : (Object) value;
  }

  private Object readLiteral(String literal, Object value) {
    if (!text.startsWith(literal, position)) {
      throw error("expected a value but found " + describeNext());
    }
    position += literal.length();
    return value;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("arrays and objects are nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private void expect(char c, String what) {
    if (peek() != c) {
      throw error("expected " + what + " but found " + describeNext());
    }
    position++;
  }

  private void skipDigits() {
    while (isDigit(peek())) {
      position++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void skipWhitespace() {
    while (!atEnd()) {
      char c = text.charAt(position);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      position++;
    }
  }

  private boolean atEnd() {
    return position >= text.length();
  }

  /** The next character, or NUL at the end (NUL never starts a valid token). */
  private char peek() {
    return atEnd() ? '\0' : text.charAt(position);
  }

  private String describeNext() {
    if (atEnd()) {
      return "the end of the text";
    }
    char c = text.charAt(position);
    if (c < 0x20 || c == 0x7f) {
      return "U+" + String.format("%04X", (int) c);
    }
    return "'" + c + "'";
  }

  private JsonException error(String message) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < position && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new JsonException("Invalid JSON at line " + line + ", column " + column + ": " + message);
  }
}
