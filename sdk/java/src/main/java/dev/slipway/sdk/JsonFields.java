package dev.slipway.sdk;

import java.util.List;
import java.util.Map;

/**
 * Typed reads of answer members. A member of the wrong type means the platform and this SDK
 * disagree on the protocol: that is an {@code invalid-response} error naming the member.
 */
final class JsonFields {
  private JsonFields() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object value, String what) {
    if (!(value instanceof Map)) {
      throw invalid(what, "an object", value);
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value, String what) {
    if (!(value instanceof List)) {
      throw invalid(what, "an array", value);
    }
    return (List<Object>) value;
  }

  static String string(Object value, String what) {
    if (!(value instanceof String)) {
      throw invalid(what, "a string", value);
    }
    return (String) value;
  }

  static String stringOrNull(Object value, String what) {
    return value == null ? null : string(value, what);
  }

  static long integer(Object value, String what) {
    if (!(value instanceof Long)) {
      throw invalid(what, "an integer", value);
    }
    return (Long) value;
  }

  static int smallInteger(Object value, String what) {
    long number = integer(value, what);
    if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
      throw invalid(what, "an integer in the int range", value);
    }
    return (int) number;
  }

  static boolean bool(Object value, String what) {
    if (!(value instanceof Boolean)) {
      throw invalid(what, "true or false", value);
    }
    return (Boolean) value;
  }

  /** A member of an answer object: {@code member(answer, "keys", "the answer to datastore/put")}. */
  static Object member(Map<String, Object> object, String name, String what) {
    if (!object.containsKey(name)) {
      throw new SlipwayException(200, SlipwayException.INVALID_RESPONSE, what + " has no \"" + name + "\"");
    }
    return object.get(name);
  }

  static SlipwayException invalid(String what, String expected, Object actual) {
    String got = actual == null ? "null" : actual instanceof String ? "a string" : actual instanceof Map
        ? "an object" : actual instanceof List ? "an array" : actual.toString();
    return new SlipwayException(200, SlipwayException.INVALID_RESPONSE, what + " should be " + expected
        + " but is " + got);
  }
}
