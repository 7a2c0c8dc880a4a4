package dev.slipway.sdk;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Messages pushed to the browsers of a user or of a topic's subscribers. Thread-safe.
 *
 * <pre>{@code
 * PushChannel channel = push.channelForUser(user.id());   // render channel.clientScript() and channel.token()
 * push.sendToUser(user.id(), Map.of("type", "order-shipped", "order", 17));
 * }</pre>
 */
public final class Push {
  private final ServiceClient client;

  Push(ServiceClient client) {
    this.client = client;
  }

  /**
   * The channel of one user's pages ({@code push/channel}).
   *
   * @param userId the user's id
   * @return what the page needs to connect
   */
  public PushChannel channelForUser(String userId) {
    return channel(Map.of("user", Objects.requireNonNull(userId, "userId")));
  }

  /**
   * The channel of a topic ({@code push/channel}).
   *
   * @param topic the topic, such as {@code "orders"}
   * @return what the page needs to connect
   */
  public PushChannel channelForTopic(String topic) {
    return channel(Map.of("topic", Objects.requireNonNull(topic, "topic")));
  }

  /**
   * Sends a message to one user's pages ({@code push/send}).
   *
   * @param userId the user's id
   * @param message any value {@link Json#write(Object)} accepts
   * @return how it was delivered
   */
  public PushResult sendToUser(String userId, Object message) {
    return send("user", userId, message, null);
  }

  /**
   * Sends a message to one user's pages, kept for pages that connect within {@code ttl}.
   *
   * @param userId the user's id
   * @param message any value {@link Json#write(Object)} accepts
   * @param ttl how long to keep it for pages not connected now (whole seconds)
   * @return how it was delivered
   */
  public PushResult sendToUser(String userId, Object message, Duration ttl) {
    return send("user", userId, message, ttl);
  }

  /**
   * Sends a message to a topic's pages ({@code push/send}).
   *
   * @param topic the topic
   * @param message any value {@link Json#write(Object)} accepts
   * @return how it was delivered
   */
  public PushResult sendToTopic(String topic, Object message) {
    return send("topic", topic, message, null);
  }

  /**
   * Sends a message to a topic's pages, kept for pages that connect within {@code ttl}.
   *
   * @param topic the topic
   * @param message any value {@link Json#write(Object)} accepts
   * @param ttl how long to keep it (whole seconds)
   * @return how it was delivered
   */
  public PushResult sendToTopic(String topic, Object message, Duration ttl) {
    return send("topic", topic, message, ttl);
  }

  private PushChannel channel(Map<String, Object> body) {
    Map<String, Object> answer = client.call("push/channel", body);
    return new PushChannel(
        JsonFields.string(answer.get("channel"), "channel"),
        JsonFields.string(answer.get("token"), "token"),
        JsonFields.string(answer.get("clientScript"), "clientScript"));
  }

  private PushResult send(String targetKind, String target, Object message, Duration ttl) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(targetKind, Objects.requireNonNull(target, targetKind));
    body.put("message", message);
    if (ttl != null) {
      body.put("ttlSeconds", ttl.toSeconds());
    }
    Map<String, Object> answer = client.call("push/send", body);
    return new PushResult(count(answer.get("delivered"), "delivered"), count(answer.get("queued"), "queued"));
  }

  /** A count; a boolean (delivered or not) counts as 1 or 0. */
  private static long count(Object value, String what) {
    if (value instanceof Boolean) {
      return (Boolean) value ? 1 : 0;
    }
    return value == null ? 0 : JsonFields.integer(value, what);
  }
}
