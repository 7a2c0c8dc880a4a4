package dev.slipway.sdk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** HTTP(S) to {@code SLIPWAY_SERVICES_URL} (instances that cannot share a socket with the platform). */
final class HttpClientTransport implements Transport {
  private final String base;
  private final Duration timeout;
  private final HttpClient client;

  HttpClientTransport(URI baseUrl, Duration timeout) {
    String text = baseUrl.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.timeout = timeout;
    // HTTP/1.1: an h2c upgrade attempt on a POST gains nothing and some servers mishandle it.
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public ServiceResponse send(ServiceRequest request) throws IOException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + "/" + request.operation()))
        .timeout(timeout)
        .header("Content-Type", request.contentType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().forEach(builder::header);
    HttpResponse<byte[]> response;
    try {
      response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the platform");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
      headers.put(header.getKey().toLowerCase(Locale.ROOT), String.join(", ", header.getValue()));
    }
    return new ServiceResponse(response.statusCode(), headers, response.body());
  }

  @Override
  public String describe() {
    return base;
  }

  @Override
  public void close() {
    // java.net.http.HttpClient (Java 17) has no close: its connections end with the client.
  }
}
