package dev.slipway.sdk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Calls operations: adds the token and the forwarded identity headers, sends through the
 * transport, and turns problem answers into {@link SlipwayException}s. Immutable and thread-safe.
 */
final class ServiceClient {
  static final String JSON = "application/json";
  static final String OCTET_STREAM = "application/octet-stream";
  private static final String USER_AGENT = "slipway-sdk-java/" + Slipway.VERSION;

  private final Transport transport;
  private final String token;
  private final Map<String, String> forwarded;

  ServiceClient(Transport transport, String token, Map<String, String> forwarded) {
    this.transport = transport;
    this.token = checkHeaderValue("the token", token);
    Map<String, String> copy = new LinkedHashMap<>();
    forwarded.forEach((name, value) -> copy.put(name, checkHeaderValue("header " + name, value)));
    this.forwarded = Collections.unmodifiableMap(copy);
  }

  /** The same client forwarding these identity headers. */
  ServiceClient forwarding(Map<String, String> headers) {
    return new ServiceClient(transport, token, headers);
  }

  Transport transport() {
    return transport;
  }

  Map<String, String> forwardedHeaders() {
    return forwarded;
  }

  /** Posts a JSON object and returns the JSON object answered. */
  Map<String, Object> call(String operation, Map<String, ?> body) {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    return parseObject(operation, send(operation, JSON, bytes, Map.of()));
  }

  /** The JSON object of a successful answer. */
  static Map<String, Object> parseObject(String operation, ServiceResponse response) {
    Object answer;
    try {
      answer = Json.parse(response.body());
    } catch (JsonException e) {
      throw new SlipwayException(response.status(), SlipwayException.INVALID_RESPONSE,
          "the answer to " + operation + " is not JSON: " + e.getMessage());
    }
    return JsonFields.object(answer, "the answer to " + operation);
  }

  /** Posts bytes; returns the successful answer whatever its type. */
  ServiceResponse send(String operation, String contentType, byte[] body, Map<String, String> extraHeaders) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + token);
    headers.put("Accept", JSON + ", application/problem+json");
    headers.put("User-Agent", USER_AGENT);
    extraHeaders.forEach((name, value) -> headers.put(name, checkHeaderValue("header " + name, value)));
    headers.putAll(forwarded);
    ServiceResponse response;
    try {
      response = transport.send(new ServiceRequest(operation, contentType, body, headers));
    } catch (IOException e) {
      throw new UnavailableException("cannot reach the Slipway platform services at " + transport.describe()
          + " (" + operation + "): " + e.getMessage(), e);
    }
    if (response.status() < 200 || response.status() > 299) {
      throw Problems.toException(operation, response);
    }
    return response;
  }

  /** Header values go on the wire as they are: refuse what would break the request's framing. */
  static String checkHeaderValue(String what, String value) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is null");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        throw new IllegalArgumentException(what + " contains a character not allowed in an HTTP header (U+"
            + String.format("%04X", (int) c) + ")");
      }
    }
    return value;
  }
}
