package dev.slipway.sdk;

/**
 * Thrown by {@link Json} for text that is not valid JSON, or for a Java value that has no JSON
 * form. The message says where and why (line, column and what was expected).
 */
public class JsonException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong and where
   */
  public JsonException(String message) {
    super(message);
  }
}
