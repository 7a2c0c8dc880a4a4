package dev.slipway.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.slipway.sdk.FakePlatform.Response;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared conformance cases (sdk/conformance/*.json), made through this SDK.
 *
 * <p>Each scenario's exchanges are served in order by the fake platform; for each one the test
 * makes the SDK call its {@code call} names, checks the request the SDK sent (path, JSON body,
 * Bearer token) against {@code request}, and what the SDK returned (turned back into wire form)
 * against {@code response.body}, or for an error status that the matching exception was thrown.
 *
 * <p>Against a real platform: set {@code SLIPWAY_CONFORMANCE_SOCKET} or
 * {@code SLIPWAY_CONFORMANCE_URL} and {@code SLIPWAY_CONFORMANCE_TOKEN} (a fresh app: the
 * datastore scenarios expect an empty datastore). The fake then forwards each request there, and
 * values under {@code varying} only need the same JSON type.
 */
class ConformanceTest {
  /** A real platform (or a stand-in) the fake forwards requests to. */
  record Live(Transport transport, String token) {}


  // --- the cases ------------------------------------------------------------------------------------

  static Path conformanceDir() {
    String configured = System.getProperty("slipway.conformance.dir");
    return Path.of(configured != null ? configured : "sdk/conformance").toAbsolutePath().normalize();
  }

  static List<Path> files() throws IOException {
    try (Stream<Path> list = Files.list(conformanceDir())) {
      return list.filter(path -> path.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> scenarios(Path file) throws IOException {
    return (List<Map<String, Object>>) Json.parse(Files.readAllBytes(file));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> exchanges(Map<String, Object> scenario) {
    return (List<Map<String, Object>>) scenario.get("exchanges");
  }

  /** The real platform from SLIPWAY_CONFORMANCE_*, or null to replay the files. */
  static Live liveTarget() {
    String token = System.getenv("SLIPWAY_CONFORMANCE_TOKEN");
    String socket = System.getenv("SLIPWAY_CONFORMANCE_SOCKET");
    String url = System.getenv("SLIPWAY_CONFORMANCE_URL");
    if (token == null || token.isEmpty() || (socket == null && url == null)) {
      return null;
    }
    Duration timeout = Duration.ofSeconds(60);
    Transport transport = socket != null ? new UnixSocketTransport(Path.of(socket), timeout, 0)
        : new HttpClientTransport(URI.create(url), timeout);
    return new Live(transport, token);
  }

  @Test
  void theCasesExist() throws IOException {
    List<String> names = files().stream().map(path -> path.getFileName().toString()).collect(Collectors.toList());
    assertTrue(names.contains("datastore.json"), "no conformance cases in " + conformanceDir() + ": " + names);
  }

  @Test
  void everyMappedCallIsUsed() throws IOException {
    Set<String> used = new HashSet<>();
    for (Path file : files()) {
      for (Map<String, Object> scenario : scenarios(file)) {
        exchanges(scenario).forEach(exchange -> used.add((String) exchange.get("call")));
      }
    }
    Set<String> unused = new HashSet<>(ConformanceCalls.CALLS.keySet());
    unused.removeAll(used);
    assertEquals(Set.of(), unused, "calls mapped here that no scenario names any more");
  }

  @TestFactory
  List<DynamicNode> scenarios() throws IOException {
    return scenarioTests(liveTarget());
  }

  static List<DynamicNode> scenarioTests(Live live) throws IOException {
    List<DynamicNode> nodes = new ArrayList<>();
    for (Path file : files()) {
      for (Map<String, Object> scenario : scenarios(file)) {
        String name = file.getFileName() + ": " + scenario.get("scenario");
        nodes.add(DynamicTest.dynamicTest(name, () -> runScenario(scenario, live)));
      }
    }
    return nodes;
  }

  static void runScenario(Map<String, Object> scenario, Live live) throws Exception {
    List<String> failures = new ArrayList<>();
    try (FakePlatform fake = new FakePlatform()) {
      if (live != null) {
        fake.handle(request -> forward(live, request));
      }
      try (Services services = fake.services()) {
        ConformanceCalls.Context context = new ConformanceCalls.Context(services, fake.socket());
        for (Map<String, Object> exchange : exchanges(scenario)) {
          String call = (String) exchange.get("call");
          Function<ConformanceCalls.Context, Object> sdkCall = ConformanceCalls.CALLS.get(call);
          if (sdkCall == null) {
            failures.add("unknown call \"" + call + "\": map it to an SDK call in ConformanceCalls.CALLS");
            continue;
          }
          try {
            runExchange(fake, context, sdkCall, exchange, live != null);
          } catch (AssertionError | RuntimeException e) {
            failures.add(call + ": " + e);
          }
        }
      }
    }
    if (!failures.isEmpty()) {
      fail(String.join("\n", failures));
    }
  }

  @SuppressWarnings("unchecked")
  static void runExchange(FakePlatform fake, ConformanceCalls.Context context, Function<ConformanceCalls.Context, Object> call,
      Map<String, Object> exchange, boolean live) throws Exception {
    Map<String, Object> expected = (Map<String, Object>) exchange.get("response");
    Map<String, Object> request = (Map<String, Object>) exchange.get("request");
    List<String> varying = live ? (List<String>) exchange.getOrDefault("varying", List.of()) : List.of();
    int status = ((Long) expected.get("status")).intValue();
    Object body = expected.get("body");
    if (!live) {
      fake.answer(status >= 400
          ? new Response(status, Map.of("Content-Type", "application/problem+json"),
              Json.write(body).getBytes(StandardCharsets.UTF_8), false, false)
          : Response.json(status, body));
    }
    if (status >= 400) {
      Map<String, Object> problem = (Map<String, Object>) body;
      SlipwayException error = null;
      try {
        call.apply(context);
      } catch (SlipwayException e) {
        error = e;
      }
      if (error == null) {
        fail("expected a " + problem.get("code") + " error, but the call succeeded");
      }
      assertSame(exceptionClass((String) problem.get("code")), error.getClass(), "exception class");
      assertEquals(status, error.status(), "status");
      assertEquals(problem.get("code"), error.code(), "code");
      assertEquals(List.of(), ConformanceJson.differences(error.problem(), problem, varying, "", live), "problem details");
      if (!varying.contains("detail")) {
        assertEquals(problem.get("detail"), error.detail(), "detail");
      }
    } else {
      Object result = call.apply(context);
      assertEquals(List.of(), ConformanceJson.differences(result, body, varying, "", false), "the SDK returned " + Json.write(result));
    }
    FakePlatform.Request sent = fake.next();
    assertEquals(0, fake.pending(), "the call made more than one request");
    assertEquals("POST", sent.method());
    assertEquals(request.get("path"), sent.target(), "path");
    assertEquals("Bearer " + FakePlatform.TOKEN, sent.header("Authorization"), "token");
    assertEquals(List.of(), ConformanceJson.differences(sent.json(), request.get("body"), List.of(), "", false),
        "the SDK sent " + new String(sent.body(), StandardCharsets.UTF_8));
  }

  static Class<? extends SlipwayException> exceptionClass(String code) {
    switch (code) {
      case "invalid-input": return InvalidInputException.class;
      case "forbidden": return ForbiddenException.class;
      case "not-found": return NotFoundException.class;
      case "conflict": return ConflictException.class;
      default: return SlipwayException.class;
    }
  }

  private static Response forward(Live live, FakePlatform.Request request) {
    String operation = request.target().substring(Transport.BASE_PATH.length());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + live.token());
    request.headers().forEach((name, value) -> {
      if (name.startsWith("x-slipway-") || name.startsWith("slipway-")) {
        headers.put(name, value);
      }
    });
    try {
      ServiceResponse response = live.transport().send(new ServiceRequest(operation,
          request.header("Content-Type"), request.body(), headers));
      Map<String, String> answerHeaders = new LinkedHashMap<>();
      response.headers().forEach((name, value) -> {
        if (name.equals("content-type") || name.startsWith("slipway-")) {
          answerHeaders.put(name, value);
        }
      });
      return Response.bytes(response.status(), answerHeaders, response.body());
    } catch (IOException e) {
      return Response.problem(502, "unavailable", "forwarding to the platform failed: " + e);
    }
  }

  // --- the forwarding mode, against a stand-in platform ----------------------------------------------

  @TestFactory
  List<DynamicNode> liveModeAgainstAStandIn() throws IOException {
    // A stand-in "real platform" whose generated values differ from the files': forwarding works
    // and the varying paths are honoured.
    Map<String, Response> answers = new LinkedHashMap<>();
    int total = 0;
    for (Path file : files()) {
      for (Map<String, Object> scenario : scenarios(file)) {
        for (Map<String, Object> exchange : exchanges(scenario)) {
          total++;
          @SuppressWarnings("unchecked")
          Map<String, Object> request = (Map<String, Object>) exchange.get("request");
          @SuppressWarnings("unchecked")
          Map<String, Object> response = (Map<String, Object>) exchange.get("response");
          @SuppressWarnings("unchecked")
          List<String> varying = (List<String>) exchange.getOrDefault("varying", List.of());
          int status = ((Long) response.get("status")).intValue();
          Object varied = ConformanceJson.vary(response.get("body"), varying);
          answers.put(request.get("path") + " " + ConformanceJson.canonical(request.get("body")), status >= 400
              ? new Response(status, Map.of("Content-Type", "application/problem+json"),
                  Json.write(varied).getBytes(StandardCharsets.UTF_8), false, false)
              : Response.json(status, varied));
        }
      }
    }
    FakePlatform standIn = new FakePlatform();
    int expectedRequests = total;
    standIn.handle(request -> {
      if (!"Bearer live-token".equals(request.header("Authorization"))) {
        return Response.problem(401, "unauthenticated", "wrong token " + request.header("Authorization"));
      }
      Response answer = answers.get(request.target() + " " + ConformanceJson.canonical(request.json()));
      return answer != null ? answer : Response.problem(404, "not-found", "no such case: " + request.target());
    });
    Live live = new Live(new UnixSocketTransport(standIn.socket(), Duration.ofSeconds(10), 0), "live-token");
    List<DynamicNode> nodes = new ArrayList<>(scenarioTests(live));
    nodes.add(DynamicTest.dynamicTest("every exchange reached the stand-in", () -> {
      int count = 0;
      while (standIn.pending() > 0) {
        standIn.next();
        count++;
      }
      standIn.close();
      assertEquals(expectedRequests, count);
    }));
    return List.of(DynamicContainer.dynamicContainer("forwarding to a stand-in platform", nodes));
  }

  @Test
  void theComparisonHonoursVaryingPathsAndJsonTypes() {
    assertEquals(List.of(), ConformanceJson.differences(Json.parse("{\"a\":[1,\"x\"]}"), Json.parse("{\"a\":[1.0,\"x\"]}"),
        List.of(), "", false));
    assertFalse(ConformanceJson.differences(Json.parse("{\"a\":true}"), Json.parse("{\"a\":1}"), List.of(), "", false).isEmpty());
    assertEquals(List.of("a.1: \"y\" instead of \"x\""),
        ConformanceJson.differences(Json.parse("{\"a\":[1,\"y\"]}"), Json.parse("{\"a\":[1,\"x\"]}"), List.of(), "", false));
    assertEquals(List.of(), ConformanceJson.differences(Json.parse("{\"a\":[1,\"y\"]}"), Json.parse("{\"a\":[1,\"x\"]}"),
        List.of("a.1"), "", false));
    assertEquals(List.of("b: unexpected"), ConformanceJson.differences(Json.parse("{\"a\":1,\"b\":2}"), Json.parse("{\"a\":1}"),
        List.of(), "", false));
    assertEquals(List.of(), ConformanceJson.differences(Json.parse("{\"a\":1,\"b\":2}"), Json.parse("{\"a\":1}"), List.of(), "", true));
    assertEquals(List.of("a: missing"), ConformanceJson.differences(Json.parse("{}"), Json.parse("{\"a\":1}"), List.of(), "", false));
  }
}
