package dev.slipway.sdk;

import java.util.Optional;

/**
 * The platform refused the call (status 403, code {@code forbidden}): the user may not do it, a
 * URL fetch went to a refused address, or the tenant's contract does not include the service
 * ({@link #service()} names it then).
 */
public class ForbiddenException extends SlipwayException {
  private static final long serialVersionUID = 1L;

  /** The service outside the tenant's contract, or null. */
  private final String service;

  /**
   * Creates the exception.
   *
   * @param detail what went wrong, as the server explained it
   * @param service the service the tenant's contract does not include, or {@code null}
   */
  public ForbiddenException(String detail, String service) {
    super(403, "forbidden", detail);
    this.service = service;
  }

  /**
   * The service the tenant's contract does not include, when that is why the call was refused.
   *
   * @return the service's name, such as {@code "images"}, or empty
   */
  public Optional<String> service() {
    return Optional.ofNullable(service);
  }
}
