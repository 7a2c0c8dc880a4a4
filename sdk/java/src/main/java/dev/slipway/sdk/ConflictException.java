package dev.slipway.sdk;

/** Another write changed an entity this call depended on (a transaction's read, a commit's expected version): retry with fresh data. Status 409, code {@code conflict}. */
public class ConflictException extends SlipwayException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param detail what went wrong, as the server explained it
   */
  public ConflictException(String detail) {
    super(409, "conflict", detail);
  }
}
