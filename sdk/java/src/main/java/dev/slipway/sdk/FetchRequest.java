package dev.slipway.sdk;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request for {@link UrlFetch#fetch(FetchRequest)}. Immutable: every method returns a
 * new request. Options not set take the platform's defaults (10 s timeout, 10 MiB answer,
 * redirects followed).
 *
 * <pre>{@code
 * FetchRequest.get("https://example.com/api").header("Accept", "application/json").timeout(Duration.ofSeconds(5));
 * FetchRequest.post("https://example.com/hook", json.getBytes(UTF_8)).header("Content-Type", "application/json");
 * }</pre>
 */
public final class FetchRequest {
  private final String url;
  private final String method;
  private final Map<String, String> headers;
  private final byte[] body;
  private final Long timeoutMs;
  private final Long maxResponseBytes;
  private final Boolean followRedirects;

  private FetchRequest(String url, String method, Map<String, String> headers, byte[] body, Long timeoutMs,
      Long maxResponseBytes, Boolean followRedirects) {
    this.url = url;
    this.method = method;
    this.headers = headers;
    this.body = body;
    this.timeoutMs = timeoutMs;
    this.maxResponseBytes = maxResponseBytes;
    this.followRedirects = followRedirects;
  }

  /**
   * A request with any method.
   *
   * @param method {@code GET}, {@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE} or {@code HEAD}
   * @param url an absolute http(s) URL
   * @return the request
   */
  public static FetchRequest of(String method, String url) {
    return new FetchRequest(Objects.requireNonNull(url, "url"),
        Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT), Map.of(), null, null, null, null);
  }

  /**
   * A GET request.
   *
   * @param url an absolute http(s) URL
   * @return the request
   */
  public static FetchRequest get(String url) {
    return of("GET", url);
  }

  /**
   * A POST request with a body.
   *
   * @param url an absolute http(s) URL
   * @param body the body
   * @return the request
   */
  public static FetchRequest post(String url, byte[] body) {
    return of("POST", url).body(body);
  }

  /**
   * Adds or replaces a header.
   *
   * @param name the header's name
   * @param value its value
   * @return a new request
   */
  public FetchRequest header(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new FetchRequest(url, method, Collections.unmodifiableMap(copy), body, timeoutMs, maxResponseBytes,
        followRedirects);
  }

  /**
   * The body to send.
   *
   * @param body the bytes (copied)
   * @return a new request
   */
  public FetchRequest body(byte[] body) {
    return new FetchRequest(url, method, headers, body == null ? null : body.clone(), timeoutMs, maxResponseBytes,
        followRedirects);
  }

  /**
   * The body to send, as UTF-8 text.
   *
   * @param text the text
   * @return a new request
   */
  public FetchRequest body(String text) {
    return body(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The time allowed for the whole fetch, redirects and body included (platform default 10 s, at
   * most 30 s).
   *
   * @param timeout the time allowed
   * @return a new request
   */
  public FetchRequest timeout(Duration timeout) {
    return new FetchRequest(url, method, headers, body, timeout.toMillis(), maxResponseBytes, followRedirects);
  }

  /**
   * The largest answer body accepted (platform default 10 MiB, at most 32 MiB).
   *
   * @param bytes the limit
   * @return a new request
   */
  public FetchRequest maxResponseBytes(long bytes) {
    return new FetchRequest(url, method, headers, body, timeoutMs, bytes, followRedirects);
  }

  /**
   * Whether to follow redirects (default true, at most 5).
   *
   * @param follow false to return 3xx answers as they are
   * @return a new request
   */
  public FetchRequest followRedirects(boolean follow) {
    return new FetchRequest(url, method, headers, body, timeoutMs, maxResponseBytes, follow);
  }

  /**
   * The URL.
   *
   * @return the URL
   */
  public String url() {
    return url;
  }

  /**
   * The method.
   *
   * @return the method, upper-case
   */
  public String method() {
    return method;
  }

  /** The body of {@code urlfetch/fetch}. */
  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("url", url);
    json.put("method", method);
    if (!headers.isEmpty()) {
      json.put("headers", headers);
    }
    if (body != null) {
      json.put("body", java.util.Base64.getEncoder().encodeToString(body));
    }
    if (timeoutMs != null) {
      json.put("timeoutMs", timeoutMs);
    }
    if (maxResponseBytes != null) {
      json.put("maxResponseBytes", maxResponseBytes);
    }
    if (followRedirects != null) {
      json.put("followRedirects", followRedirects);
    }
    return json;
  }
}
