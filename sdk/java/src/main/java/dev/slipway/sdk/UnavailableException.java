package dev.slipway.sdk;

/**
 * The platform's services could not be reached, or did not answer in time (status 0, code
 * {@code unavailable}): the socket is missing, the connection broke, or the call timed out.
 * The call may or may not have taken effect.
 */
public class UnavailableException extends SlipwayException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param detail what failed, naming the socket or URL
   * @param cause the I/O failure
   */
  public UnavailableException(String detail, Throwable cause) {
    super(0, "unavailable", detail, cause);
  }
}
