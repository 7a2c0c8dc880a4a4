package dev.slipway.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parsesEveryKindOfValue() {
    Object value = Json.parse(" {\"a\": [1, -2.5, 3e2, true, false, null, \"x\\n\\u00e9\\ud83d\\ude00\"], \"b\": {}} ");
    Map<?, ?> object = (Map<?, ?>) value;
    assertEquals(List.of("a", "b"), List.copyOf(object.keySet()));
    assertEquals(Arrays.asList(1L, -2.5, 300.0, true, false, null, "x\né😀"), object.get("a"));
    assertEquals(Map.of(), object.get("b"));
  }

  @Test
  void numbersKeepTheirPrecision() {
    assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
    assertEquals(new BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
    assertEquals(0.1, Json.parse("0.1"));
    assertEquals(new BigDecimal("1e400"), Json.parse("1e400"));
    assertEquals(-0.0, Json.parse("-0.0"));
  }

  @Test
  void refusesMalformedTextSayingWhereAndWhy() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("", "the text is empty");
    cases.put("{\"a\":1,}", "expected a member name");
    cases.put("[1,]", "expected a value but found ']'");
    cases.put("[01]", "leading zeros");
    cases.put("{'a':1}", "expected a member name in double quotes");
    cases.put("\"abc", "not closed");
    cases.put("[1 2]", "expected ',' or ']'");
    cases.put("{\"a\":1} x", "expected the end of the text");
    cases.put("NaN", "expected a value");
    cases.put("tru", "expected a value");
    cases.put("\"\\x\"", "invalid escape");
    cases.put("\"\\u12\"", "four hex digits");
    cases.put("{\"a\":1,\"a\":2}", "duplicate member name \"a\"");
    cases.put("1.", "after the decimal point");
    cases.put("-", "expected a digit");
    cases.put("1e", "in the exponent");
    cases.put("// comment\n1", "expected a value");
    cases.put("[1]]", "expected the end of the text");
    cases.forEach((text, reason) -> {
      JsonException error = assertThrows(JsonException.class, () -> Json.parse(text), text);
      assertTrue(error.getMessage().startsWith("Invalid JSON at line "), error.getMessage());
      assertTrue(error.getMessage().contains(reason), text + " -> " + error.getMessage());
    });
  }

  @Test
  void namesLineAndColumn() {
    JsonException error = assertThrows(JsonException.class, () -> Json.parse("{\n  \"a\": tru\n}"));
    assertEquals("Invalid JSON at line 2, column 8: expected a value but found 't'", error.getMessage());
  }

  @Test
  void refusesControlCharactersInStrings() {
    JsonException error = assertThrows(JsonException.class, () -> Json.parse("\"a\tb\""));
    assertTrue(error.getMessage().contains("control character U+0009 must be escaped"), error.getMessage());
  }

  @Test
  void refusesDeepNesting() {
    String deep = "[".repeat(600) + "]".repeat(600);
    JsonException error = assertThrows(JsonException.class, () -> Json.parse(deep));
    assertTrue(error.getMessage().contains("nested deeper than 512"), error.getMessage());
    assertEquals(List.of(), unwrap(Json.parse("[".repeat(512) + "]".repeat(512)), 511));
  }

  @Test
  void refusesInvalidUtf8AndByteOrderMarks() {
    assertThrows(JsonException.class, () -> Json.parse(new byte[] {'"', (byte) 0xc3, '"'}));
    JsonException bom = assertThrows(JsonException.class,
        () -> Json.parse("\uFEFF{}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(bom.getMessage().contains("byte order mark"));
    assertEquals("é", Json.parse("\"é\"".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void writesCompactJsonThatParsesBack() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("s", "quote \" backslash \\ newline \n tab \t nul \u0000 é 😀");
    value.put("n", List.of(1, 2L, 1.5, -0.25f, new BigDecimal("1.10"), BigInteger.TEN));
    value.put("b", true);
    value.put("z", null);
    value.put("a", new Object[] {"x", List.of()});
    String text = Json.write(value);
    assertEquals("{\"s\":\"quote \\\" backslash \\\\ newline \\n tab \\t nul \\u0000 é 😀\","
        + "\"n\":[1,2,1.5,-0.25,1.10,10],\"b\":true,\"z\":null,\"a\":[\"x\",[]]}", text);
    Map<?, ?> back = (Map<?, ?>) Json.parse(text);
    assertEquals(value.get("s"), back.get("s"));
  }

  @Test
  void asciiModeEscapesEverythingElse() {
    assertEquals("{\"w\":\"\\u00e9\\ud83d\\ude00\"}", Json.writeAscii(Map.of("w", "é😀")));
  }

  @Test
  void loneSurrogatesAreEscaped() {
    String text = Json.write("a\uD800b");
    assertEquals("\"a\\ud800b\"", text);
    assertEquals("a\uD800b", Json.parse(text));
  }

  @Test
  void refusesValuesWithoutAJsonForm() {
    assertThrows(JsonException.class, () -> Json.write(Double.NaN));
    assertThrows(JsonException.class, () -> Json.write(List.of(Double.POSITIVE_INFINITY)));
    JsonException bytes = assertThrows(JsonException.class, () -> Json.write(new byte[1]));
    assertTrue(bytes.getMessage().contains("[B"), bytes.getMessage());
    assertThrows(JsonException.class, () -> Json.write(Map.of(1, "x")));
    assertThrows(JsonException.class, () -> Json.write(new Object()));
    List<Object> cycle = new java.util.ArrayList<>();
    cycle.add(cycle);
    JsonException error = assertThrows(JsonException.class, () -> Json.write(cycle));
    assertTrue(error.getMessage().contains("cycle"));
  }

  @Test
  void nullIsNull() {
    assertNull(Json.parse("null"));
    assertEquals("null", Json.write(null));
  }

  private static Object unwrap(Object value, int levels) {
    for (int i = 0; i < levels; i++) {
      value = ((List<?>) value).get(0);
    }
    return value;
  }
}
