package dev.slipway.sdk;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where an app gets the platform's services.
 *
 * <pre>{@code
 * Services services = Slipway.services();            // on Slipway: configured by the environment
 * Datastore datastore = services.datastore();
 * Optional<User> user = services.users().current(request);
 * services.forRequest(request).messaging().message(userId, "Hi", "…"); // acts for the signed-in user
 * }</pre>
 *
 * <p>Apps on Slipway find the services in the environment: {@code SLIPWAY_SERVICES_SOCKET} (a
 * Unix socket) or {@code SLIPWAY_SERVICES_URL} (an HTTP base URL), {@code SLIPWAY_SERVICES_TOKEN},
 * and for verifying users {@code SLIPWAY_APP_ID} and {@code SLIPWAY_IDENTITY_PUBLIC_KEY}. Tests
 * and tools point the SDK anywhere with {@link #connect(Path, String)}, {@link #connect(URI,
 * String)} or {@link #builder()}.
 */
public final class Slipway {
  /** This SDK's version, sent in the User-Agent header. */
  public static final String VERSION = "1.0.0";

  static final String SOCKET_ENV = "SLIPWAY_SERVICES_SOCKET";
  static final String URL_ENV = "SLIPWAY_SERVICES_URL";
  static final String TOKEN_ENV = "SLIPWAY_SERVICES_TOKEN";
  static final String APP_ID_ENV = "SLIPWAY_APP_ID";
  static final String PUBLIC_KEY_ENV = "SLIPWAY_IDENTITY_PUBLIC_KEY";

  private static final Object LOCK = new Object();
  private static volatile Services shared;

  private Slipway() {}

  /**
   * The platform's services, configured by the environment. Returns the same thread-safe
   * instance on every call; keep it or call this again, as you like.
   *
   * @return the services
   * @throws IllegalStateException when the app does not run on Slipway (the environment names no
   *     socket, URL or token); the message says which variable is missing
   */
  public static Services services() {
    Services services = shared;
    if (services == null) {
      synchronized (LOCK) {
        services = shared;
        if (services == null) {
          services = fromEnvironment(System.getenv());
          shared = services;
        }
      }
    }
    return services;
  }

  /**
   * Services over a Unix socket, such as a test's fake platform or a real platform's socket.
   * {@code SLIPWAY_APP_ID} and {@code SLIPWAY_IDENTITY_PUBLIC_KEY} are taken from the environment
   * when set; use {@link #builder()} to give them explicitly.
   *
   * @param socket the socket's path
   * @param token the instance's token
   * @return new services; {@link Services#close() close} them when done
   */
  public static Services connect(Path socket, String token) {
    return identityFromEnvironment(builder(), System.getenv()).socket(socket).token(token).build();
  }

  /**
   * Services at an HTTP(S) base URL ending in {@code /_platform/v1}. {@code SLIPWAY_APP_ID} and
   * {@code SLIPWAY_IDENTITY_PUBLIC_KEY} are taken from the environment when set.
   *
   * @param baseUrl the base URL, such as {@code http://platform:8080/_platform/v1}
   * @param token the instance's token
   * @return new services
   */
  public static Services connect(URI baseUrl, String token) {
    return identityFromEnvironment(builder(), System.getenv()).url(baseUrl).token(token).build();
  }

  /**
   * A builder for services configured explicitly, nothing taken from the environment.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@link #services()} from a given environment, without sharing (for tests). */
  static Services fromEnvironment(Map<String, String> env) {
    String socket = blankToNull(env.get(SOCKET_ENV));
    String url = blankToNull(env.get(URL_ENV));
    String token = blankToNull(env.get(TOKEN_ENV));
    if (socket == null && url == null) {
      throw new IllegalStateException("Slipway platform services are not available: neither " + SOCKET_ENV
          + " nor " + URL_ENV + " is set. Apps get them when they run on Slipway (preview or production); "
          + "elsewhere, use Slipway.connect(socket, token) or Slipway.builder().");
    }
    if (token == null) {
      throw new IllegalStateException("Slipway platform services are not available: " + TOKEN_ENV
          + " is not set (" + (socket != null ? SOCKET_ENV : URL_ENV) + " is). Apps get it when they run on "
          + "Slipway; elsewhere, use Slipway.connect(socket, token).");
    }
    Builder builder = identityFromEnvironment(builder(), env).token(token);
    return socket != null ? builder.socket(Path.of(socket)).build() : builder.url(URI.create(url)).build();
  }

  private static Builder identityFromEnvironment(Builder builder, Map<String, String> env) {
    return builder.appId(blankToNull(env.get(APP_ID_ENV))).identityPublicKey(blankToNull(env.get(PUBLIC_KEY_ENV)));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** Configures {@link Services} explicitly: where, with which token, and how to verify users. */
  public static final class Builder {
    private Path socket;
    private URI url;
    private String token;
    private String appId;
    private String identityPublicKey;
    private Duration timeout = Duration.ofSeconds(60);
    private int maxIdleConnections = 4;

    private Builder() {}

    /**
     * Sends requests over this Unix socket (HTTP/1.1, {@code Host: platform}).
     *
     * @param socket the socket's path
     * @return this builder
     */
    public Builder socket(Path socket) {
      this.socket = socket;
      this.url = null;
      return this;
    }

    /**
     * Sends requests to this HTTP(S) base URL instead of a socket.
     *
     * @param baseUrl the base URL, ending in {@code /_platform/v1}
     * @return this builder
     */
    public Builder url(URI baseUrl) {
      this.url = baseUrl;
      this.socket = null;
      return this;
    }

    /**
     * The instance's token, sent as {@code Authorization: Bearer <token>}.
     *
     * @param token the token
     * @return this builder
     */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /**
     * The app's id, part of what identity signatures cover.
     *
     * @param appId the app's id, or {@code null}
     * @return this builder
     */
    public Builder appId(String appId) {
      this.appId = appId;
      return this;
    }

    /**
     * The gateway's Ed25519 public key that signs identity headers.
     *
     * @param spkiDerBase64 the key as SPKI DER in base64, as in {@code SLIPWAY_IDENTITY_PUBLIC_KEY}
     * @return this builder
     */
    public Builder identityPublicKey(String spkiDerBase64) {
      this.identityPublicKey = spkiDerBase64;
      return this;
    }

    /**
     * How long one call may take, connecting included (default 60 seconds).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * How many idle keep-alive connections to the socket to keep for reuse (default 4; 0 opens a
     * connection per call).
     *
     * @param count zero or more
     * @return this builder
     */
    public Builder maxIdleConnections(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("maxIdleConnections must be 0 or more");
      }
      this.maxIdleConnections = count;
      return this;
    }

    /**
     * Builds the services.
     *
     * @return new, thread-safe services
     * @throws IllegalStateException when neither a socket nor a URL, or no token, was given
     */
    public Services build() {
      if (token == null || token.isEmpty()) {
        throw new IllegalStateException("Slipway services need a token (SLIPWAY_SERVICES_TOKEN on Slipway)");
      }
      Transport transport;
      if (socket != null) {
        transport = new UnixSocketTransport(socket, timeout, maxIdleConnections);
      } else if (url != null) {
        String scheme = url.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
          throw new IllegalStateException("the services URL must be http(s)://…/_platform/v1, not " + url);
        }
        transport = new HttpClientTransport(url, timeout);
      } else {
        throw new IllegalStateException("Slipway services need a socket or a URL");
      }
      return new Services(new ServiceClient(transport, token, Map.of()), new IdentityVerifier(appId, identityPublicKey));
    }
  }
}
