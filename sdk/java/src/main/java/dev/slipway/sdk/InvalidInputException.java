package dev.slipway.sdk;

/** The platform refused the request as invalid; {@link #detail()} names the bad member. Status 400, code {@code invalid-input}. */
public class InvalidInputException extends SlipwayException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param detail what went wrong, as the server explained it
   */
  public InvalidInputException(String detail) {
    super(400, "invalid-input", detail);
  }
}
