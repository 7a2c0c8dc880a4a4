package dev.slipway.sdk;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform's services, from {@link Slipway#services()}. Thread-safe: share one instance
 * across servlets and threads.
 *
 * <p>Calls made while serving a user should go through {@link #forRequest(HttpServletRequest)},
 * which forwards the request's identity headers so that the platform acts for that user.
 */
public final class Services implements AutoCloseable {
  /** The identity headers forwarded unchanged (docs/platform-services.md, Transport). */
  static final List<String> IDENTITY_HEADERS = List.of(
      "X-Slipway-User-Id",
      "X-Slipway-User-Name",
      "X-Slipway-User-Email",
      "X-Slipway-User-Roles",
      "X-Slipway-Identity-Time",
      "X-Slipway-Identity-Signature");

  private final ServiceClient client;
  private final IdentityVerifier verifier;
  private final Datastore datastore;
  private final Images images;
  private final Users users;
  private final UrlFetch urlFetch;
  private final Push push;
  private final Messaging messaging;
  private final Tasks tasks;

  Services(ServiceClient client, IdentityVerifier verifier) {
    this.client = client;
    this.verifier = verifier;
    this.datastore = new Datastore(client);
    this.images = new Images(client);
    this.users = new Users(client, verifier);
    this.urlFetch = new UrlFetch(client);
    this.push = new Push(client);
    this.messaging = new Messaging(client);
    this.tasks = new Tasks(client, verifier);
  }

  /**
   * A view of these services that acts for the user of {@code request}: every call forwards the
   * request's identity headers ({@code X-Slipway-User-Id}, {@code -User-Name},
   * {@code -User-Email}, {@code -User-Roles}, {@code X-Slipway-Identity-Time},
   * {@code X-Slipway-Identity-Signature}) as they arrived. The platform verifies them. Cheap:
   * create one per request; it shares these services' connections.
   *
   * @param request the request being served
   * @return a view forwarding that request's identity
   */
  public Services forRequest(HttpServletRequest request) {
    return new Services(client.forwarding(identityHeaders(request)), verifier);
  }

  /** The identity headers a request carries, as they arrived. */
  static Map<String, String> identityHeaders(HttpServletRequest request) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : IDENTITY_HEADERS) {
      String value = request.getHeader(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    return headers;
  }

  /**
   * The Datastore: entities with keys, queries and transactions.
   *
   * @return the datastore
   */
  public Datastore datastore() {
    return datastore;
  }

  /**
   * Images: size and format of an image, resizing, cropping, converting.
   *
   * @return the image service
   */
  public Images images() {
    return images;
  }

  /**
   * Users: who is signed in, login and logout URLs, the tenant's users.
   *
   * @return the users service
   */
  public Users users() {
    return users;
  }

  /**
   * URL fetch: HTTP requests to the internet through the platform, and HTML extraction.
   *
   * @return the URL fetch service
   */
  public UrlFetch urlFetch() {
    return urlFetch;
  }

  /**
   * Push: messages to browsers of a user or a topic.
   *
   * @return the push service
   */
  public Push push() {
    return push;
  }

  /**
   * Messaging: e-mail and messages to the tenant's users.
   *
   * @return the messaging service
   */
  public Messaging messaging() {
    return messaging;
  }

  /**
   * Tasks: calls of the app's own paths later, retried until they succeed.
   *
   * @return the task service
   */
  public Tasks tasks() {
    return tasks;
  }

  /**
   * Closes the idle pooled connections. The services stay usable (later calls open new
   * connections), so closing the shared instance, such as from a servlet's {@code destroy()}, is
   * safe.
   */
  @Override
  public void close() {
    client.transport().close();
  }
}
