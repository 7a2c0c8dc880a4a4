package dev.slipway.sdk;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calls of the app's own paths later: the platform calls {@code path} on the app's instance with
 * the payload as the JSON body and the headers {@code X-Slipway-Task-Id}, {@code -Attempt},
 * {@code -Queue}, {@code -Time} and {@code -Signature}; a 2xx answer completes the task, anything
 * else is retried. Check calls with {@link #verifyCall(HttpServletRequest)}. Thread-safe.
 */
public final class Tasks {
  /** The header naming the task in the platform's call. */
  public static final String TASK_ID_HEADER = "X-Slipway-Task-Id";
  /** The header numbering the attempt (1 for the first call). */
  public static final String TASK_ATTEMPT_HEADER = "X-Slipway-Task-Attempt";

  /** Calls older (or further ahead) than this are refused: a copied call cannot be replayed later. */
  static final long MAX_SKEW_SECONDS = 300;

  private final ServiceClient client;
  private final IdentityVerifier verifier;

  Tasks(ServiceClient client, IdentityVerifier verifier) {
    this.client = client;
    this.verifier = verifier;
  }

  /**
   * The task call {@code request} carries when the platform signed it, recently: Ed25519 over
   * {@code slipway-task-v1}, the app id, the task id, the attempt and the time, checked with the
   * key in {@code SLIPWAY_IDENTITY_PUBLIC_KEY}. Anything else (a forged or copied call) is empty.
   *
   * @param request the request to the task's path
   * @return the verified call, or empty
   */
  public Optional<TaskCall> verifyCall(HttpServletRequest request) {
    String id = request.getHeader(TASK_ID_HEADER);
    String attempt = request.getHeader(TASK_ATTEMPT_HEADER);
    if (id == null || attempt == null || !attempt.matches("[0-9]{1,9}")) {
      return Optional.empty();
    }
    boolean valid = verifier.verifySigned("slipway-task-v1", List.of(id, attempt),
        request.getHeader("X-Slipway-Task-Time"), request.getHeader("X-Slipway-Task-Signature"),
        System.currentTimeMillis() / 1000, MAX_SKEW_SECONDS);
    if (!valid) {
      return Optional.empty();
    }
    String queue = request.getHeader("X-Slipway-Task-Queue");
    return Optional.of(new TaskCall(id, Integer.parseInt(attempt), queue == null ? "" : queue));
  }

  /**
   * A verified call of the platform's task dispatcher.
   *
   * @param id the task's id
   * @param attempt the attempt, from 1
   * @param queue the task's queue
   */
  public record TaskCall(String id, int attempt, String queue) {
  }

  /**
   * Enqueues a POST of a path without payload ({@code tasks/enqueue}).
   *
   * @param path the path, such as {@code /tasks/cleanup}
   * @return the task's id
   */
  public String enqueue(String path) {
    return enqueue(Task.to(path));
  }

  /**
   * Enqueues a task ({@code tasks/enqueue}).
   *
   * @param task the task
   * @return the task's id
   */
  public String enqueue(Task task) {
    Map<String, Object> answer = client.call("tasks/enqueue", task.toJson());
    return JsonFields.string(answer.get("id"), "id");
  }
}
