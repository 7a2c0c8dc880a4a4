package dev.slipway.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.slipway.sdk.FakePlatform.Response;
import dev.slipway.sdk.Query.Op;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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
  /** What a call gets: services connected to the fake, and where the fake listens. */
  record Context(Services services, Path socket) {}

  /** A real platform (or a stand-in) the fake forwards requests to. */
  record Live(Transport transport, String token) {}

  static final Map<String, Function<Context, Object>> CALLS = new LinkedHashMap<>();

  static {
    CALLS.put("datastore.put-new-task", c -> putView(c, new Entity(Key.incomplete("Task"))
        .set("title", "Order paper").set("priority", 2).set("done", false)));
    CALLS.put("datastore.put-named-task", c -> putView(c, new Entity(Key.of("Task", "weekly-report"))
        .set("title", "Weekly report")
        .set("priority", 5)
        .set("done", true)
        .set("due", Instant.parse("2026-11-27T09:00:00Z"))
        .set("tags", List.of("office", "weekly"))
        .set("ratio", 0.5)
        .set("note", null)));
    CALLS.put("datastore.get-named-and-missing", c -> {
      List<Key> keys = List.of(Key.of("Task", "weekly-report"), Key.of("Task", "no-such-task"));
      Map<Key, Entity> found = c.services().datastore().getAll(keys);
      return object("found", found.values().stream().map(ConformanceTest::entityView).collect(Collectors.toList()),
          "missing", keys.stream().filter(key -> !found.containsKey(key)).map(DatastoreCodec::encodeKey)
              .collect(Collectors.toList()));
    });
    CALLS.put("datastore.query-open-tasks", c -> {
      QueryResult page = c.services().datastore().query(Query.kind("Task").filter("done", Op.EQ, false).limit(10));
      return object("entities", page.entities().stream().map(ConformanceTest::entityView).collect(Collectors.toList()),
          "cursor", page.cursor());
    });
    CALLS.put("datastore.delete-named", c ->
        object("deleted", (long) c.services().datastore().deleteAll(List.of(Key.of("Task", "weekly-report")))));
    CALLS.put("datastore.get-bad-kind", c -> c.services().datastore().get(Key.of("no spaces allowed", "x")));
    CALLS.put("datastore.put-counter", c -> putView(c, new Entity(Key.of("Counter", "c")).set("n", 1)));
    CALLS.put("datastore.commit-stale-counter", c -> c.services().datastore().commit(new Commit()
        .expectVersion(Key.of("Counter", "c"), 0)
        .put(new Entity(Key.of("Counter", "c")).set("n", 2))));

    CALLS.put("users.list-all", c -> object("users", usersView(c.services().users().list())));
    CALLS.put("users.list-managers", c -> object("users", usersView(c.services().users().list("manager"))));
    CALLS.put("users.current-asks-platform", c -> {
      // Without the gateway's public key the SDK cannot check the headers itself: it asks the platform.
      try (Services asking = Slipway.builder().socket(c.socket()).token(FakePlatform.TOKEN).build()) {
        Map<String, String> headers = Map.of("X-Slipway-User-Id", "u-1", "X-Slipway-Identity-Time", "0",
            "X-Slipway-Identity-Signature", "AAAA");
        return object("user", asking.users().current(FakeRequests.withHeaders(headers))
            .map(ConformanceTest::userView).orElse(null));
      }
    });

    CALLS.put("urlfetch.fetch-metadata-address", c ->
        fetchView(c.services().urlFetch().fetch(FetchRequest.get("http://169.254.169.254/latest/meta-data/"))));
    CALLS.put("urlfetch.post-every-option-to-metadata-address", c -> fetchView(c.services().urlFetch().fetch(
        FetchRequest.post("http://169.254.169.254/hooks/paid", "{\"order\":17}".getBytes(StandardCharsets.UTF_8))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(5))
            .maxResponseBytes(65536)
            .followRedirects(false))));
    CALLS.put("urlfetch.link-to-supplier", c ->
        Map.of("url", c.services().urlFetch().link("https://supplier.example/catalogue?item=7")));
    CALLS.put("urlfetch.fetch-unknown-method", c ->
        fetchView(c.services().urlFetch().fetch(FetchRequest.of("brew", "https://example.com/"))));
    CALLS.put("urlfetch.extract-metadata-address", c -> {
      Map<String, ExtractField> fields = new LinkedHashMap<>();
      fields.put("title", ExtractField.text("title"));
      fields.put("links", ExtractField.attribute("a", "href").all());
      Extraction extraction = c.services().urlFetch().extract("http://169.254.169.254/", fields);
      return object("status", (long) extraction.status(), "finalUrl", extraction.finalUrl(), "fields",
          extraction.fields());
    });

    CALLS.put("push.channel-for-topic", c -> {
      PushChannel channel = c.services().push().channelForTopic("orders");
      return object("channel", channel.channel(), "token", channel.token(), "clientScript", channel.clientScript());
    });
    CALLS.put("push.send-to-topic", c ->
        pushView(c.services().push().sendToTopic("orders", object("order", 17, "state", "approved"))));
    CALLS.put("push.send-to-topic-with-ttl", c ->
        pushView(c.services().push().sendToTopic("orders", "refresh", Duration.ofSeconds(60))));

    CALLS.put("messaging.mail-text", c -> mailView(c.services().messaging().mail(
        Mail.to("ana@example.com").subject("Your expense report").text("Report 17 was approved."))));
    CALLS.put("messaging.mail-html", c -> mailView(c.services().messaging().mail(
        Mail.to("ana@example.com", "ben@example.com").subject("Expense reports this week")
            .text("2 approved, 1 waiting.").html("<p>2 approved, <b>1 waiting</b>.</p>"))));

    CALLS.put("tasks.enqueue-payload", c ->
        object("id", c.services().tasks().enqueue(Task.to("/tasks/mail").payload(object("report", 17)))));
    CALLS.put("tasks.enqueue-options", c -> object("id", c.services().tasks().enqueue(
        Task.to("/tasks/cleanup").method("POST").delay(Duration.ofHours(1)).maxAttempts(3))));
  }

  // --- the SDK's results in wire form -------------------------------------------------------------

  private static Map<String, Object> object(Object... namesAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return map;
  }

  private static Map<String, Object> putView(Context c, Entity entity) {
    List<Key> keys = c.services().datastore().putAll(List.of(entity));
    return object("keys", DatastoreCodec.encodeKeys(keys), "versions", List.of(Long.toString(entity.version())));
  }

  private static Map<String, Object> entityView(Entity entity) {
    Map<String, Object> view = DatastoreCodec.encodeEntity(entity);
    if (entity.version() != 0) {
      view.put("version", Long.toString(entity.version()));
    }
    return view;
  }

  private static Map<String, Object> userView(User user) {
    return object("id", user.id(), "name", user.name(), "email", user.email(), "roles", user.roles());
  }

  private static List<Object> usersView(List<User> users) {
    return users.stream().map(ConformanceTest::userView).collect(Collectors.toList());
  }

  private static Map<String, Object> fetchView(FetchResponse response) {
    return object("status", (long) response.status(), "headers", response.headers(),
        "body", Base64.getEncoder().encodeToString(response.body()), "finalUrl", response.finalUrl(),
        "redirects", response.redirects());
  }

  private static Map<String, Object> pushView(PushResult result) {
    return object("delivered", result.delivered(), "queued", result.queued());
  }

  private static Map<String, Object> mailView(MailReceipt receipt) {
    return object("id", receipt.id(), "via", receipt.via());
  }

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
    Set<String> unused = new HashSet<>(CALLS.keySet());
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
        Context context = new Context(services, fake.socket());
        for (Map<String, Object> exchange : exchanges(scenario)) {
          String call = (String) exchange.get("call");
          Function<Context, Object> sdkCall = CALLS.get(call);
          if (sdkCall == null) {
            failures.add("unknown call \"" + call + "\": map it to an SDK call in ConformanceTest.CALLS");
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
  static void runExchange(FakePlatform fake, Context context, Function<Context, Object> call,
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
