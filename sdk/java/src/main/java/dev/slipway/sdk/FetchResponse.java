package dev.slipway.sdk;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a URL fetch answered. Repeated headers are joined with ", ". */
public final class FetchResponse {
  private final int status;
  private final Map<String, String> headers;
  private final byte[] body;
  private final String finalUrl;
  private final List<String> redirects;

  /**
   * Creates a response (the SDK does; tests may too).
   *
   * @param status the HTTP status
   * @param headers the headers by lower-case name
   * @param body the body
   * @param finalUrl the URL that answered, after redirects
   * @param redirects every URL a redirect led to, in order
   */
  public FetchResponse(int status, Map<String, String> headers, byte[] body, String finalUrl, List<String> redirects) {
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.body = body;
    this.finalUrl = finalUrl;
    this.redirects = List.copyOf(redirects);
  }

  /**
   * The HTTP status of the final answer.
   *
   * @return the status, such as 200
   */
  public int status() {
    return status;
  }

  /**
   * The answer's headers.
   *
   * @return the headers by lower-case name
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * One header.
   *
   * @param name the header's name, in any case
   * @return its value, or {@code null}
   */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The body.
   *
   * @return the bytes (not copied: do not modify)
   */
  public byte[] body() {
    return body;
  }

  /**
   * The body as text, in the charset the Content-Type names (UTF-8 otherwise).
   *
   * @return the text
   */
  public String text() {
    return new String(body, charset());
  }

  /**
   * The URL that gave the final answer.
   *
   * @return the URL
   */
  public String finalUrl() {
    return finalUrl;
  }

  /**
   * Every URL a redirect led to, in order; the last is {@link #finalUrl()}.
   *
   * @return the URLs, empty without redirects
   */
  public List<String> redirects() {
    return redirects;
  }

  private Charset charset() {
    String type = header("content-type");
    if (type != null) {
      for (String parameter : type.split(";")) {
        String[] pair = parameter.trim().split("=", 2);
        if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
          try {
            return Charset.forName(pair[1].trim().replace("\"", ""));
          } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
          }
        }
      }
    }
    return StandardCharsets.UTF_8;
  }
}
