package dev.slipway.sdk;

import java.nio.charset.StandardCharsets;

/** Percent-encoding that keeps RFC 3986's unreserved characters and '/' (as the Python SDK does). */
final class UrlEncoding {
  private static final String UNESCAPED = "-_.~/";

  private UrlEncoding() {}

  static String pathInQuery(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || UNESCAPED.indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
