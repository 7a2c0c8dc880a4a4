package dev.slipway.sdk;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** JSON comparison with varying paths, canonical text, and varied answers, for {@link ConformanceTest}. */
final class ConformanceJson {
  private ConformanceJson() {}

  static String jsonType(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Boolean) {
      return "boolean";
    }
    if (value instanceof Number) {
      return "number";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof List) {
      return "array";
    }
    if (value instanceof Map) {
      return "object";
    }
    return value.getClass().getName();
  }

  /**
   * Where {@code actual} differs from {@code expected} as JSON ({@code true} is not {@code 1}).
   * Under a {@code varying} path only the JSON type counts; {@code extraOk} allows top-level
   * members {@code expected} does not list (problem+json extensions from a real platform).
   */
  static List<String> differences(Object actual, Object expected, List<String> varying, String path,
      boolean extraOk) {
    List<String> found = new ArrayList<>();
    String where = path.isEmpty() ? "." : path;
    if (varying.contains(path)) {
      if (!jsonType(actual).equals(jsonType(expected))) {
        found.add(where + ": " + jsonType(actual) + " instead of " + jsonType(expected));
      }
      return found;
    }
    if (expected instanceof Map && actual instanceof Map) {
      Map<?, ?> e = (Map<?, ?>) expected;
      Map<?, ?> a = (Map<?, ?>) actual;
      for (Object name : e.keySet()) {
        String child = path.isEmpty() ? (String) name : path + "." + name;
        if (!a.containsKey(name)) {
          found.add(child + ": missing");
        } else {
          found.addAll(differences(a.get(name), e.get(name), varying, child, false));
        }
      }
      if (!extraOk) {
        for (Object name : a.keySet()) {
          if (!e.containsKey(name)) {
            found.add((path.isEmpty() ? "" : path + ".") + name + ": unexpected");
          }
        }
      }
      return found;
    }
    if (expected instanceof List && actual instanceof List && ((List<?>) expected).size() == ((List<?>) actual).size()) {
      List<?> e = (List<?>) expected;
      List<?> a = (List<?>) actual;
      for (int i = 0; i < e.size(); i++) {
        found.addAll(differences(a.get(i), e.get(i), varying, path.isEmpty() ? Integer.toString(i) : path + "." + i,
            false));
      }
      return found;
    }
    if (!jsonType(actual).equals(jsonType(expected)) || !sameScalar(actual, expected)) {
      found.add(where + ": " + Json.write(plain(actual)) + " instead of " + Json.write(plain(expected)));
    }
    return found;
  }

  private static boolean sameScalar(Object actual, Object expected) {
    if (actual instanceof Number && expected instanceof Number) {
      return new BigDecimal(actual.toString()).compareTo(new BigDecimal(expected.toString())) == 0;
    }
    if (actual instanceof List || actual instanceof Map) {
      return false; // lists of different sizes, or an object against an array
    }
    return java.util.Objects.equals(actual, expected);
  }

  private static Object plain(Object value) {
    return value instanceof byte[] ? Arrays.toString((byte[]) value) : value;
  }

  static String canonical(Object json) {
    if (json instanceof Map) {
      return ((Map<?, ?>) json).entrySet().stream()
          .sorted(Map.Entry.comparingByKey((a, b) -> ((String) a).compareTo((String) b)))
          .map(entry -> Json.write(entry.getKey()) + ":" + canonical(entry.getValue()))
          .collect(Collectors.joining(",", "{", "}"));
    }
    if (json instanceof List) {
      return ((List<?>) json).stream().map(ConformanceJson::canonical).collect(Collectors.joining(",", "[", "]"));
    }
    return Json.write(json);
  }

  /** The body with each varying value replaced by another of the same type, as a real server's would be. */
  @SuppressWarnings("unchecked")
  static Object vary(Object body, List<String> varying) {
    Object copy = deepCopy(body);
    for (String path : varying) {
      String[] parts = path.split("\\.");
      Object holder = copy;
      for (int i = 0; i < parts.length - 1; i++) {
        holder = holder instanceof List ? ((List<Object>) holder).get(Integer.parseInt(parts[i]))
            : ((Map<String, Object>) holder).get(parts[i]);
      }
      String last = parts[parts.length - 1];
      Object value = holder instanceof List ? ((List<Object>) holder).get(Integer.parseInt(last))
          : ((Map<String, Object>) holder).get(last);
      Object replacement;
      if (value instanceof String) {
        replacement = ((String) value).matches("[0-9]+") ? Long.toString(Long.parseLong((String) value) + 7)
            : value + "-live";
      } else if (value instanceof Boolean) {
        replacement = !(Boolean) value;
      } else if (value instanceof Long) {
        replacement = (Long) value + 3;
      } else if (value instanceof List) {
        replacement = new ArrayList<>();
      } else {
        replacement = value;
      }
      if (holder instanceof List) {
        ((List<Object>) holder).set(Integer.parseInt(last), replacement);
      } else {
        ((Map<String, Object>) holder).put(last, replacement);
      }
    }
    return copy;
  }

  private static Object deepCopy(Object json) {
    if (json instanceof Map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      ((Map<?, ?>) json).forEach((name, value) -> copy.put((String) name, deepCopy(value)));
      return copy;
    }
    if (json instanceof List) {
      List<Object> copy = new ArrayList<>();
      ((List<?>) json).forEach(value -> copy.add(deepCopy(value)));
      return copy;
    }
    return json;
  }
}
