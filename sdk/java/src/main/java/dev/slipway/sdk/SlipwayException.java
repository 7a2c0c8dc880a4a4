package dev.slipway.sdk;

import java.util.Map;

/**
 * A platform service refused or failed a call. Carries the HTTP {@link #status() status}, the
 * stable {@link #code() code} of the problem ({@code invalid-input}, {@code unauthenticated},
 * {@code forbidden}, {@code not-found}, {@code conflict}, {@code too-large}, {@code unsupported},
 * {@code too-many-requests}, {@code failed-dependency}, …) and the server's {@link #detail()
 * detail}. The common codes have subclasses: {@link InvalidInputException},
 * {@link ForbiddenException}, {@link NotFoundException}, {@link ConflictException}, and
 * {@link UnavailableException} when the services could not be reached at all.
 */
public class SlipwayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Code of an answer that is not the protocol's (not JSON, or missing members). */
  public static final String INVALID_RESPONSE = "invalid-response";

  /** The HTTP status; 0 without an answer. */
  private final int status;
  /** The problem's stable code. */
  private final String code;
  /** The server's explanation. */
  private final String detail;
  private transient Map<String, Object> problem = Map.of();

  /**
   * Creates the exception.
   *
   * @param status the HTTP status of the answer (0 when there was none)
   * @param code the problem's stable code
   * @param detail what went wrong, as the server explained it
   */
  public SlipwayException(int status, String code, String detail) {
    this(status, code, detail, null);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param status the HTTP status of the answer (0 when there was none)
   * @param code the problem's stable code
   * @param detail what went wrong
   * @param cause the underlying failure, or {@code null}
   */
  public SlipwayException(int status, String code, String detail, Throwable cause) {
    super(message(status, code, detail), cause);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  /**
   * The HTTP status of the answer.
   *
   * @return the status, such as 409; 0 when no answer arrived
   */
  public int status() {
    return status;
  }

  /**
   * The problem's stable code, the one to branch on.
   *
   * @return the code, such as {@code "conflict"}
   */
  public String code() {
    return code;
  }

  /**
   * What went wrong, as the server explained it (meant for developers, not end users).
   *
   * @return the detail, possibly empty
   */
  public String detail() {
    return detail;
  }

  /**
   * The whole problem details object the platform answered, extensions included (such as
   * {@code "service"} on a refusal by contract).
   *
   * @return the members as {@link Json#parse(String)} maps them; empty when the answer was not
   *     problem details or there was no answer
   */
  public Map<String, Object> problem() {
    return problem == null ? Map.of() : problem;
  }

  /** Attaches the problem details this exception was made from. */
  SlipwayException withProblem(Map<String, Object> problem) {
    this.problem = problem;
    return this;
  }

  private static String message(int status, String code, String detail) {
    String where = status == 0 ? code : status + " " + code;
    return detail == null || detail.isEmpty() ? where : where + ": " + detail;
  }
}
