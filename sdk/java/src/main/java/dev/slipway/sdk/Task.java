package dev.slipway.sdk;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A call of one of the app's own paths, for {@link Tasks#enqueue(Task)}. Immutable: every
 * method returns a new task.
 *
 * <pre>{@code
 * tasks.enqueue(Task.to("/tasks/mail").payload(Map.of("order", 17)).delay(Duration.ofMinutes(5)));
 * }</pre>
 */
public final class Task {
  private final String path;
  private final String method;
  private final Object payload;
  private final boolean hasPayload;
  private final Long delaySeconds;
  private final Integer maxAttempts;
  private final String queue;

  private Task(String path, String method, Object payload, boolean hasPayload, Long delaySeconds,
      Integer maxAttempts, String queue) {
    this.path = path;
    this.method = method;
    this.payload = payload;
    this.hasPayload = hasPayload;
    this.delaySeconds = delaySeconds;
    this.maxAttempts = maxAttempts;
    this.queue = queue;
  }

  /**
   * A task calling a path of the app (with POST unless {@link #method(String)} says otherwise).
   *
   * @param path the path, such as {@code /tasks/mail}
   * @return the task
   */
  public static Task to(String path) {
    return new Task(Objects.requireNonNull(path, "path"), null, null, false, null, null, null);
  }

  /**
   * The HTTP method of the call (platform default POST).
   *
   * @param method the method
   * @return a new task
   */
  public Task method(String method) {
    return new Task(path, Objects.requireNonNull(method, "method"), payload, hasPayload, delaySeconds, maxAttempts,
        queue);
  }

  /**
   * The JSON body of the call.
   *
   * @param payload any value {@link Json#write(Object)} accepts
   * @return a new task
   */
  public Task payload(Object payload) {
    return new Task(path, method, payload, true, delaySeconds, maxAttempts, queue);
  }

  /**
   * Waits this long before the first call (rounded up to whole seconds).
   *
   * @param delay the delay
   * @return a new task
   */
  public Task delay(Duration delay) {
    long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
    return new Task(path, method, payload, hasPayload, seconds, maxAttempts, queue);
  }

  /**
   * How many calls to try before giving up (platform default applies otherwise).
   *
   * @param maxAttempts 1 or more
   * @return a new task
   */
  public Task maxAttempts(int maxAttempts) {
    return new Task(path, method, payload, hasPayload, delaySeconds, maxAttempts, queue);
  }

  /**
   * The queue to run in.
   *
   * @param queue the queue's name
   * @return a new task
   */
  public Task queue(String queue) {
    return new Task(path, method, payload, hasPayload, delaySeconds, maxAttempts, Objects.requireNonNull(queue));
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("path", path);
    if (method != null) {
      json.put("method", method);
    }
    if (hasPayload) {
      json.put("payload", payload);
    }
    if (delaySeconds != null) {
      json.put("delaySeconds", delaySeconds);
    }
    if (maxAttempts != null) {
      json.put("maxAttempts", maxAttempts);
    }
    if (queue != null) {
      json.put("queue", queue);
    }
    return json;
  }
}
