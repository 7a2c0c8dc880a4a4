package dev.slipway.sdk;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Maps an error answer (RFC 9457 problem details, or anything else) to the matching exception. */
final class Problems {
  private Problems() {}

  @SuppressWarnings("unchecked")
  static SlipwayException toException(String operation, ServiceResponse response) {
    Map<?, ?> problem = parseProblem(response);
    SlipwayException exception = create(operation, response, problem);
    return problem == null ? exception : exception.withProblem((Map<String, Object>) problem);
  }

  private static SlipwayException create(String operation, ServiceResponse response, Map<?, ?> problem) {
    int status = response.status();
    String code = problem != null && problem.get("code") instanceof String ? (String) problem.get("code") : null;
    String detail = problem != null && problem.get("detail") instanceof String ? (String) problem.get("detail") : null;
    if (detail == null && problem != null && problem.get("title") instanceof String) {
      detail = (String) problem.get("title");
    }
    if (detail == null) {
      detail = operation + " answered " + status + describeBody(response);
    }
    if (code == null) {
      code = codeForStatus(status);
    }
    switch (code) {
      case "invalid-input":
        return new InvalidInputException(detail);
      case "forbidden":
        Object service = problem == null ? null : problem.get("service");
        return new ForbiddenException(detail, service instanceof String ? (String) service : null);
      case "not-found":
        return new NotFoundException(detail);
      case "conflict":
        return new ConflictException(detail);
      default:
        return new SlipwayException(status, code, detail);
    }
  }

  /** The codes of docs/platform-services.md, for answers that lack one (a proxy's error page). */
  static String codeForStatus(int status) {
    switch (status) {
      case 400: return "invalid-input";
      case 401: return "unauthenticated";
      case 403: return "forbidden";
      case 404: return "not-found";
      case 409: return "conflict";
      case 413: return "too-large";
      case 415: return "unsupported";
      case 424: return "failed-dependency";
      case 429: return "too-many-requests";
      default: return "http-" + status;
    }
  }

  private static Map<?, ?> parseProblem(ServiceResponse response) {
    String type = response.mediaType();
    if (!type.equals("application/problem+json") && !type.equals("application/json")) {
      return null;
    }
    try {
      Object parsed = Json.parse(response.body());
      return parsed instanceof Map ? (Map<?, ?>) parsed : null;
    } catch (JsonException e) {
      return null;
    }
  }

  private static String describeBody(ServiceResponse response) {
    if (response.body().length == 0) {
      return "";
    }
    String text = new String(response.body(), 0, Math.min(200, response.body().length), StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "" : ": " + text;
  }
}
