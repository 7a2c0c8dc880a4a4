package dev.slipway.sdk;

/** What the call named does not exist. Status 404, code {@code not-found}. */
public class NotFoundException extends SlipwayException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param detail what went wrong, as the server explained it
   */
  public NotFoundException(String detail) {
    super(404, "not-found", detail);
  }
}
