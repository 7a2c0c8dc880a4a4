package dev.slipway.sdk;

import java.util.Map;

/**
 * Calls of the app's own paths later: the platform calls {@code path} through the app's
 * instances with the payload as the JSON body and the headers {@code X-Slipway-Task-Id} and
 * {@code X-Slipway-Task-Attempt}; a 2xx answer completes the task, anything else is retried.
 * Thread-safe.
 */
public final class Tasks {
  /** The header naming the task in the platform's call. */
  public static final String TASK_ID_HEADER = "X-Slipway-Task-Id";
  /** The header numbering the attempt (1 for the first call). */
  public static final String TASK_ATTEMPT_HEADER = "X-Slipway-Task-Attempt";

  private final ServiceClient client;

  Tasks(ServiceClient client) {
    this.client = client;
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
