package dev.slipway.sdk;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP requests to the internet, made by the platform for the sealed app: private addresses
 * and the tenant's deny list are refused with {@link ForbiddenException}. Thread-safe.
 *
 * <pre>{@code
 * FetchResponse page = urlFetch.fetch(FetchRequest.get("https://example.com/"));
 * if (page.status() == 200) { String html = page.text(); }
 * }</pre>
 */
public final class UrlFetch {
  private final ServiceClient client;

  UrlFetch(ServiceClient client) {
    this.client = client;
  }

  /**
   * Fetches a URL ({@code urlfetch/fetch}). Any HTTP status of the remote site is a normal
   * answer; only the platform's refusals throw.
   *
   * @param request the request
   * @return the answer
   * @throws ForbiddenException when the platform refuses the address
   */
  public FetchResponse fetch(FetchRequest request) {
    Map<String, Object> answer = client.call("urlfetch/fetch", request.toJson());
    Map<String, String> headers = new LinkedHashMap<>();
    JsonFields.object(answer.getOrDefault("headers", Map.of()), "headers").forEach((name, value) ->
        headers.put(name.toLowerCase(Locale.ROOT), JsonFields.string(value, "headers." + name)));
    byte[] body;
    try {
      body = Base64.getDecoder().decode(JsonFields.string(answer.getOrDefault("body", ""), "body"));
    } catch (IllegalArgumentException e) {
      throw JsonFields.invalid("body", "base64", "text");
    }
    return new FetchResponse(
        JsonFields.smallInteger(answer.get("status"), "status"),
        headers,
        body,
        JsonFields.string(answer.get("finalUrl"), "finalUrl"),
        strings(answer.getOrDefault("redirects", List.of()), "redirects"));
  }

  /**
   * Fetches a URL with GET.
   *
   * @param url an absolute http(s) URL
   * @return the answer
   */
  public FetchResponse fetch(String url) {
    return fetch(FetchRequest.get(url));
  }

  /**
   * A platform URL that sends the user to {@code url} (URL Link): following it checks the
   * organisation's policy at that moment and logs the visit, then redirects. It works for 7 days.
   *
   * @param url an http or https URL
   * @return the platform URL to put in the page
   */
  public String link(String url) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("url", url);
    return JsonFields.string(client.call("urlfetch/link", body).get("url"), "url");
  }

  /**
   * Fetches an HTML page and captures fields from it by CSS selector ({@code urlfetch/extract}).
   *
   * @param url an absolute http(s) URL
   * @param fields the fields to capture, by name
   * @return the captured fields
   */
  public Extraction extract(String url, Map<String, ExtractField> fields) {
    Map<String, Object> jsonFields = new LinkedHashMap<>();
    fields.forEach((name, field) -> jsonFields.put(name, field.toJson()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("url", url);
    body.put("fields", jsonFields);
    Map<String, Object> answer = client.call("urlfetch/extract", body);
    Map<String, Object> values = new LinkedHashMap<>();
    JsonFields.object(answer.getOrDefault("fields", Map.of()), "fields").forEach((name, value) ->
        values.put(name, value instanceof List ? strings(value, "fields." + name)
            : JsonFields.stringOrNull(value, "fields." + name)));
    return new Extraction(JsonFields.smallInteger(answer.get("status"), "status"),
        JsonFields.string(answer.get("finalUrl"), "finalUrl"), values);
  }

  private static List<String> strings(Object json, String what) {
    List<String> list = new ArrayList<>();
    for (Object element : JsonFields.list(json, what)) {
      list.add(JsonFields.string(element, what + "[]"));
    }
    return List.copyOf(list);
  }
}
