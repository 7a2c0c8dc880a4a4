package dev.slipway.sdk;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which part of a page one field of {@link UrlFetch#extract(String, Map)} captures. Immutable.
 *
 * <pre>{@code
 * Map.of("title", ExtractField.text("h1"),
 *        "links", ExtractField.attribute("a.product", "href").all());
 * }</pre>
 */
public final class ExtractField {
  private final String selector;
  private final String attribute;
  private final boolean all;

  private ExtractField(String selector, String attribute, boolean all) {
    this.selector = Objects.requireNonNull(selector, "selector");
    this.attribute = attribute;
    this.all = all;
  }

  /**
   * The text of the first element matching a CSS selector (trimmed, whitespace collapsed).
   *
   * @param selector a CSS selector
   * @return the field
   */
  public static ExtractField text(String selector) {
    return new ExtractField(selector, null, false);
  }

  /**
   * An attribute of the first element matching a CSS selector.
   *
   * @param selector a CSS selector
   * @param attribute the attribute's name, such as {@code href}
   * @return the field
   */
  public static ExtractField attribute(String selector, String attribute) {
    return new ExtractField(selector, Objects.requireNonNull(attribute, "attribute"), false);
  }

  /**
   * Captures every matching element instead of the first: the value becomes a list.
   *
   * @return a new field
   */
  public ExtractField all() {
    return new ExtractField(selector, attribute, true);
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("selector", selector);
    if (attribute != null) {
      json.put("attribute", attribute);
    }
    if (all) {
      json.put("all", true);
    }
    return json;
  }
}
