package dev.slipway.sdk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** What {@link UrlFetch#extract(String, Map)} captured from a page. */
public final class Extraction {
  private final int status;
  private final String finalUrl;
  private final Map<String, Object> fields;

  Extraction(int status, String finalUrl, Map<String, Object> fields) {
    this.status = status;
    this.finalUrl = finalUrl;
    this.fields = Collections.unmodifiableMap(fields);
  }

  /**
   * The HTTP status of the page.
   *
   * @return the status
   */
  public int status() {
    return status;
  }

  /**
   * The URL of the page, after redirects.
   *
   * @return the URL
   */
  public String finalUrl() {
    return finalUrl;
  }

  /**
   * Every field: a {@code String}, a {@code List<String>} for {@link ExtractField#all()}, or
   * {@code null} when nothing matched.
   *
   * @return the fields by name
   */
  public Map<String, Object> fields() {
    return fields;
  }

  /**
   * A single field's text.
   *
   * @param name the field's name
   * @return the text, or {@code null} when nothing matched
   * @throws ClassCastException when the field was captured with {@link ExtractField#all()}
   */
  public String text(String name) {
    Object value = fields.get(name);
    if (value != null && !(value instanceof String)) {
      throw new ClassCastException("field \"" + name + "\" is a list: use all(\"" + name + "\")");
    }
    return (String) value;
  }

  /**
   * A field's values as a list.
   *
   * @param name the field's name
   * @return the values: one for a single field that matched, none when nothing matched
   */
  public List<String> all(String name) {
    Object value = fields.get(name);
    if (value == null) {
      return List.of();
    }
    if (value instanceof String) {
      return List.of((String) value);
    }
    List<String> values = new ArrayList<>();
    for (Object element : (List<?>) value) {
      values.add((String) element);
    }
    return Collections.unmodifiableList(values);
  }
}
