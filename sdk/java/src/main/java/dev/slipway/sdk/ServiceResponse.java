package dev.slipway.sdk;

import java.util.Locale;
import java.util.Map;

/**
 * An answer as a transport received it.
 *
 * @param status the HTTP status
 * @param headers the headers by lower-case name; repeated headers joined with ", "
 * @param body the body
 */
record ServiceResponse(int status, Map<String, String> headers, byte[] body) {
  /** The header's value, or null. */
  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The media type without parameters, lower-case, or "" when absent. */
  String mediaType() {
    String value = header("content-type");
    if (value == null) {
      return "";
    }
    int semicolon = value.indexOf(';');
    return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }
}
