package dev.slipway.sdk;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Datastore's tagged values and keys ({@code {"integerValue": "42"}}), both ways. */
final class DatastoreCodec {
  private static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private DatastoreCodec() {}

  /**
   * The value as an entity holds it: Integer, Short and Byte become Long; Float becomes Double;
   * Instants are truncated to milliseconds; bytes and lists are copied.
   */
  static Object normalize(Object value, String what) {
    return normalize(value, what, false);
  }

  private static Object normalize(Object value, String what, boolean inList) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
        || value instanceof Key) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(what + ": " + d + " cannot be stored (only finite doubles)");
      }
      return d;
    }
    if (value instanceof Instant) {
      Instant instant = ((Instant) value).truncatedTo(ChronoUnit.MILLIS);
      if (instant.isBefore(MIN_INSTANT) || instant.isAfter(MAX_INSTANT)) {
        throw new IllegalArgumentException(what + ": " + value + " is outside the years 0001 to 9999");
      }
      return instant;
    }
    if (value instanceof byte[]) {
      return ((byte[]) value).clone();
    }
    if (value instanceof List) {
      if (inList) {
        throw new IllegalArgumentException(what + ": a list cannot contain a list");
      }
      List<Object> copy = new ArrayList<>();
      int index = 0;
      for (Object element : (List<?>) value) {
        copy.add(normalize(element, what + "[" + index++ + "]", true));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new IllegalArgumentException(what + ": a " + value.getClass().getName() + " cannot be stored; use Long, "
        + "Integer, Double, String, Boolean, Instant, byte[], Key, List of those, or null");
  }

  static Map<String, Object> encodeKey(Key key) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kind", key.kind());
    if (key.name() != null) {
      json.put("name", key.name());
    } else if (key.id() != null) {
      json.put("id", key.id().toString());
    }
    return json;
  }

  /** Encodes a normalized value. */
  static Map<String, Object> encodeValue(Object value) {
    Map<String, Object> json = new LinkedHashMap<>();
    if (value == null) {
      json.put("nullValue", null);
    } else if (value instanceof Boolean) {
      json.put("booleanValue", value);
    } else if (value instanceof Long) {
      json.put("integerValue", value.toString());
    } else if (value instanceof Double) {
      json.put("doubleValue", value);
    } else if (value instanceof String) {
      json.put("stringValue", value);
    } else if (value instanceof Instant) {
      json.put("timestampValue", TIMESTAMP.format((Instant) value));
    } else if (value instanceof byte[]) {
      json.put("bytesValue", Base64.getEncoder().encodeToString((byte[]) value));
    } else if (value instanceof Key) {
      json.put("keyValue", encodeKey((Key) value));
    } else if (value instanceof List) {
      List<Object> elements = new ArrayList<>();
      for (Object element : (List<?>) value) {
        elements.add(encodeValue(element));
      }
      json.put("arrayValue", elements);
    } else {
      throw new IllegalArgumentException("not a normalized value: " + value.getClass().getName());
    }
    return json;
  }

  static Map<String, Object> encodeEntity(Entity entity) {
    Map<String, Object> properties = new LinkedHashMap<>();
    entity.properties().forEach((name, value) -> properties.put(name, encodeValue(value)));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("key", encodeKey(entity.key()));
    json.put("properties", properties);
    return json;
  }

  static List<Object> encodeKeys(Iterable<Key> keys) {
    List<Object> json = new ArrayList<>();
    for (Key key : keys) {
      json.add(encodeKey(key));
    }
    return json;
  }

  static Key decodeKey(Object json, String what) {
    Map<String, Object> key = JsonFields.object(json, what);
    String kind = JsonFields.string(key.get("kind"), what + ".kind");
    if (key.get("name") != null) {
      return Key.of(kind, JsonFields.string(key.get("name"), what + ".name"));
    }
    if (key.get("id") != null) {
      return Key.of(kind, parseInt64(key.get("id"), what + ".id"));
    }
    return Key.incomplete(kind);
  }

  static Object decodeValue(Object json, String what) {
    Map<String, Object> value = JsonFields.object(json, what);
    if (value.size() != 1) {
      throw new SlipwayException(200, SlipwayException.INVALID_RESPONSE, what + " should have exactly one member "
          + "but has " + value.keySet());
    }
    Map.Entry<String, Object> tagged = value.entrySet().iterator().next();
    String at = what + "." + tagged.getKey();
    Object raw = tagged.getValue();
    switch (tagged.getKey()) {
      case "nullValue":
        if (raw != null) {
          throw JsonFields.invalid(at, "null", raw);
        }
        return null;
      case "booleanValue":
        return JsonFields.bool(raw, at);
      case "integerValue":
        return parseInt64(raw, at);
      case "doubleValue":
        if (!(raw instanceof Number)) {
          throw JsonFields.invalid(at, "a number", raw);
        }
        return ((Number) raw).doubleValue();
      case "stringValue":
        return JsonFields.string(raw, at);
      case "timestampValue":
        return parseTimestamp(JsonFields.string(raw, at), at);
      case "bytesValue":
        try {
          return Base64.getDecoder().decode(JsonFields.string(raw, at));
        } catch (IllegalArgumentException e) {
          throw JsonFields.invalid(at, "base64", raw);
        }
      case "keyValue":
        return decodeKey(raw, at);
      case "arrayValue":
        List<Object> elements = JsonFields.list(raw, at);
        List<Object> list = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
          list.add(decodeValue(elements.get(i), at + "[" + i + "]"));
        }
        return Collections.unmodifiableList(list);
      default:
        throw new SlipwayException(200, SlipwayException.INVALID_RESPONSE, what + " has an unknown tag \""
            + tagged.getKey() + "\"");
    }
  }

  static Entity decodeEntity(Object json, String what) {
    Map<String, Object> entity = JsonFields.object(json, what);
    Entity result = new Entity(decodeKey(entity.get("key"), what + ".key"));
    Object properties = entity.get("properties");
    if (properties != null) {
      for (Map.Entry<String, Object> property : JsonFields.object(properties, what + ".properties").entrySet()) {
        result.setDecoded(property.getKey(),
            decodeValue(property.getValue(), what + ".properties." + property.getKey()));
      }
    }
    Object version = entity.get("version");
    result.assign(result.key(), version == null ? 0 : parseInt64(version, what + ".version"));
    return result;
  }

  /** int64 travels as decimal text; a JSON integer is accepted too. */
  static long parseInt64(Object raw, String what) {
    if (raw instanceof Long) {
      return (Long) raw;
    }
    String text = JsonFields.string(raw, what);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw JsonFields.invalid(what, "a decimal int64 string", raw);
    }
  }

  private static Instant parseTimestamp(String text, String what) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new SlipwayException(200, SlipwayException.INVALID_RESPONSE, what + " is not an RFC 3339 timestamp: "
          + text);
    }
  }
}
