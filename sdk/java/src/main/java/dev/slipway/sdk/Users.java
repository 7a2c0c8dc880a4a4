package dev.slipway.sdk;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who uses the app. The gateway signs the signed-in user's identity into request headers;
 * {@link #current(HttpServletRequest)} verifies them locally, without a call. Thread-safe.
 */
public final class Users {
  private final ServiceClient client;
  private final IdentityVerifier verifier;

  Users(ServiceClient client, IdentityVerifier verifier) {
    this.client = client;
    this.verifier = verifier;
  }

  /**
   * The signed-in user of a request, verified from its identity headers: the gateway's Ed25519
   * signature must match and be at most 60 seconds old. Verified locally, without a call; only
   * when the app id or the gateway's public key is not configured does it ask the platform
   * ({@code users/current}) to verify them.
   *
   * @param request the request being served
   * @return the user, or empty when nobody is signed in or the headers do not verify
   */
  public Optional<User> current(HttpServletRequest request) {
    if (verifier.isConfigured()) {
      return verifier.verify(request::getHeader, System.currentTimeMillis() / 1000);
    }
    if (request.getHeader("X-Slipway-User-Id") == null || request.getHeader("X-Slipway-Identity-Signature") == null) {
      return Optional.empty();
    }
    return new Users(client.forwarding(Services.identityHeaders(request)), verifier).currentFromPlatform();
  }

  /**
   * Asks the platform who the forwarded identity headers name ({@code users/current}). Use it on
   * a {@link Services#forRequest(HttpServletRequest)} view; {@link #current(HttpServletRequest)}
   * answers the same without a call.
   *
   * @return the user, or empty when no verified identity was forwarded
   */
  public Optional<User> currentFromPlatform() {
    Map<String, Object> answer = client.call("users/current", Map.of());
    Object user = JsonFields.member(answer, "user", "the answer to users/current");
    return user == null ? Optional.empty() : Optional.of(parseUser(user, "user"));
  }

  /**
   * The URL of the platform's sign-in page, which comes back to {@code returnPath} afterwards.
   *
   * @param returnPath a path of this app starting with a single {@code /}, such as
   *     {@code /orders?open=1}
   * @return {@code /_slipway/login?return=<returnPath, percent-encoded but for '/'>}
   * @throws IllegalArgumentException when {@code returnPath} is not a path of this app
   */
  public String loginUrl(String returnPath) {
    if (returnPath == null || !returnPath.startsWith("/") || returnPath.startsWith("//")
        || returnPath.startsWith("/\\")) {
      throw new IllegalArgumentException("the return path must be a path of this app starting with a single '/' (got "
          + returnPath + ")");
    }
    return "/_slipway/login?return=" + UrlEncoding.pathInQuery(returnPath);
  }

  /**
   * The URL that signs the user out.
   *
   * @return {@code /_slipway/logout}
   */
  public String logoutUrl() {
    return "/_slipway/logout";
  }

  /**
   * Every user of the app's tenant ({@code users/list}).
   *
   * @return the users
   */
  public List<User> list() {
    return list(null);
  }

  /**
   * The users of the app's tenant who have a role ({@code users/list}).
   *
   * @param role the role, or {@code null} for every user
   * @return the users
   */
  public List<User> list(String role) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (role != null) {
      body.put("role", role);
    }
    Map<String, Object> answer = client.call("users/list", body);
    List<Object> users = JsonFields.list(JsonFields.member(answer, "users", "the answer to users/list"), "users");
    List<User> result = new ArrayList<>(users.size());
    for (int i = 0; i < users.size(); i++) {
      result.add(parseUser(users.get(i), "users[" + i + "]"));
    }
    return result;
  }

  static User parseUser(Object json, String what) {
    Map<String, Object> user = JsonFields.object(json, what);
    List<Object> roleList = JsonFields.list(user.getOrDefault("roles", List.of()), what + ".roles");
    List<String> roles = new ArrayList<>(roleList.size());
    for (Object role : roleList) {
      roles.add(JsonFields.string(role, what + ".roles[]"));
    }
    return new User(
        JsonFields.string(user.get("id"), what + ".id"),
        JsonFields.string(user.getOrDefault("name", ""), what + ".name"),
        JsonFields.string(user.getOrDefault("email", ""), what + ".email"),
        roles);
  }
}
