package dev.slipway.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.sdk.FakePlatform.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransportTest {
  private FakePlatform platform;

  @BeforeEach
  void start() throws IOException {
    platform = new FakePlatform();
  }

  @AfterEach
  void stop() throws IOException {
    platform.close();
  }

  @Test
  void reusesOneKeepAliveConnection() throws Exception {
    try (Services services = platform.services()) {
      platform.handle(request -> Response.json(Map.of("id", "t1")));
      for (int i = 0; i < 5; i++) {
        assertEquals("t1", services.tasks().enqueue("/tasks/x"));
      }
      assertEquals(1, platform.connectionsAccepted());
    }
  }

  @Test
  void readsChunkedAnswersAndHonoursConnectionClose() throws Exception {
    try (Services services = platform.services()) {
      String big = "x".repeat(5000);
      platform.answer(Response.json(Map.of("id", big)).inChunks(), Response.json(Map.of("id", "b")).thenClose(),
          Response.json(Map.of("id", "c")));
      assertEquals(big, services.tasks().enqueue("/a"));
      assertEquals("b", services.tasks().enqueue("/b"));
      assertEquals("c", services.tasks().enqueue("/c"));
      assertEquals(2, platform.connectionsAccepted()); // the server closed the first after "b"
    }
  }

  @Test
  void retriesOnceWhenThePooledConnectionWasClosedByTheServer() throws Exception {
    try (Services services = platform.services()) {
      platform.handle(request -> Response.json(Map.of("id", "ok")));
      services.tasks().enqueue("/a");
      platform.dropConnections();
      Thread.sleep(50);
      assertEquals("ok", services.tasks().enqueue("/b"));
      assertEquals(2, platform.connectionsAccepted());
    }
  }

  @Test
  void resendsOnANewConnectionWhenAReusedOneClosesWithoutAnswering() {
    try (Services services = platform.services()) {
      platform.answer(Response.json(Map.of("id", "a")), FakePlatform.DROP, Response.json(Map.of("id", "b")));
      assertEquals("a", services.tasks().enqueue("/a"));
      assertEquals("b", services.tasks().enqueue("/b"));
      assertEquals(2, platform.connectionsAccepted());
    }
  }

  @Test
  void aNewConnectionClosedWithoutAnAnswerIsUnavailable() {
    try (Services services = platform.services()) {
      platform.answer(FakePlatform.DROP);
      UnavailableException error = assertThrows(UnavailableException.class, () -> services.tasks().enqueue("/a"));
      assertTrue(error.detail().contains("closed without an answer"), error.detail());
    }
  }

  @Test
  void manyThreadsShareThePool() throws Exception {
    try (Services services = platform.services()) {
      platform.handle(request -> Response.json(Map.of("id", ((Map<?, ?>) request.json()).get("path"))));
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String path = "/t/" + i;
        results.add(pool.submit(() -> services.tasks().enqueue(path)));
      }
      for (int i = 0; i < 400; i++) {
        assertEquals("/t/" + i, results.get(i).get());
      }
      pool.shutdown();
      assertTrue(platform.connectionsAccepted() <= 400);
    }
  }

  @Test
  void aMissingSocketIsUnavailableAndNamesIt() throws IOException {
    Path dir = Files.createTempDirectory("slipway-none-");
    Path socket = dir.resolve("missing.sock");
    try (Services services = Slipway.connect(socket, "t")) {
      UnavailableException error = assertThrows(UnavailableException.class, () -> services.tasks().enqueue("/x"));
      assertEquals(0, error.status());
      assertEquals("unavailable", error.code());
      assertTrue(error.detail().contains(socket.toString()), error.detail());
      assertTrue(error.detail().contains("tasks/enqueue"), error.detail());
    } finally {
      Files.delete(dir);
    }
  }

  @Test
  void aSilentServerTimesOut() {
    platform.handle(request -> {
      try {
        Thread.sleep(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Response.json(Map.of("id", "late"));
    });
    try (Services services = Slipway.builder().socket(platform.socket()).token("t").timeout(Duration.ofMillis(300))
        .build()) {
      long start = System.nanoTime();
      UnavailableException error = assertThrows(UnavailableException.class, () -> services.tasks().enqueue("/x"));
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
      assertTrue(error.detail().contains("no answer in time"), error.detail());
    }
  }

  @Test
  void problemsBecomeTheMatchingExceptions() {
    try (Services services = platform.services()) {
      platform.answer(
          Response.problem(400, "invalid-input", "path: must start with /"),
          Response.problem(404, "not-found", "no such user"),
          Response.problem(409, "conflict", "changed"),
          Response.json(403, Map.of("type", "about:blank", "title", "Forbidden", "status", 403, "code", "forbidden",
              "detail", "the contract does not include images", "service", "images")),
          Response.problem(429, "too-many-requests", "slow down"),
          Response.problem(401, "unauthenticated", "bad token"),
          Response.bytes(502, Map.of("Content-Type", "text/html"), "<h1>Bad Gateway</h1>".getBytes()),
          Response.bytes(413, Map.of(), new byte[0]));
      Tasks tasks = services.tasks();
      InvalidInputException invalid = assertThrows(InvalidInputException.class, () -> tasks.enqueue("x"));
      assertEquals("path: must start with /", invalid.detail());
      assertEquals(400, invalid.status());
      assertEquals("400 invalid-input: path: must start with /", invalid.getMessage());
      assertEquals("no such user", assertThrows(NotFoundException.class, () -> tasks.enqueue("/x")).detail());
      assertEquals("conflict", assertThrows(ConflictException.class, () -> tasks.enqueue("/x")).code());
      ForbiddenException forbidden = assertThrows(ForbiddenException.class, () -> tasks.enqueue("/x"));
      assertEquals("images", forbidden.service().orElseThrow());
      SlipwayException tooMany = assertThrows(SlipwayException.class, () -> tasks.enqueue("/x"));
      assertEquals("too-many-requests", tooMany.code());
      assertEquals(429, tooMany.status());
      assertEquals("unauthenticated", assertThrows(SlipwayException.class, () -> tasks.enqueue("/x")).code());
      SlipwayException gateway = assertThrows(SlipwayException.class, () -> tasks.enqueue("/x"));
      assertEquals("http-502", gateway.code());
      assertTrue(gateway.detail().contains("Bad Gateway"), gateway.detail());
      SlipwayException tooLarge = assertThrows(SlipwayException.class, () -> tasks.enqueue("/x"));
      assertEquals("too-large", tooLarge.code());
    }
  }

  @Test
  void headerValuesCannotSmuggleLines() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> Slipway.builder().socket(platform.socket()).token("t\r\nX-Evil: 1").build());
    assertTrue(error.getMessage().contains("the token"), error.getMessage());
  }

  @Test
  void forRequestForwardsTheSixIdentityHeadersUnchanged() throws Exception {
    try (Services services = platform.services()) {
      platform.answer(Response.json(Map.of("id", "m1")));
      Map<String, String> identity = Map.of(
          "X-Slipway-User-Id", "u1",
          "X-Slipway-User-Name", "Ana%20P%C3%A9rez",
          "X-Slipway-User-Email", "ana%40example.com",
          "X-Slipway-User-Roles", "manager,staff",
          "X-Slipway-Identity-Time", "1790000000",
          "X-Slipway-Identity-Signature", "c2lnbmF0dXJl");
      java.util.Map<String, String> withOther = new java.util.HashMap<>(identity);
      withOther.put("Cookie", "session=secret");
      services.forRequest(FakeRequests.withHeaders(withOther)).messaging().message("u2", "Hi", "Hello");
      FakePlatform.Request request = platform.next();
      identity.forEach((name, value) -> assertEquals(value, request.header(name), name));
      assertNull(request.header("Cookie"));
      assertEquals("Bearer " + FakePlatform.TOKEN, request.header("Authorization"));

      platform.answer(Response.json(Map.of("id", "m2")));
      services.messaging().message("u2", "Hi", "Hello");
      assertNull(platform.next().header("X-Slipway-User-Id"));
    }
  }

  @Test
  void speaksToAnHttpBaseUrl() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    List<String> seen = new ArrayList<>();
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
          + exchange.getRequestHeaders().getFirst("Authorization") + " " + new String(body, StandardCharsets.UTF_8));
      boolean fail = exchange.getRequestURI().getPath().endsWith("/message");
      byte[] answer = (fail
          ? "{\"type\":\"about:blank\",\"title\":\"Not found\",\"status\":404,\"code\":\"not-found\",\"detail\":\"no user\"}"
          : "{\"id\":\"t9\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", fail ? "application/problem+json" : "application/json");
      exchange.sendResponseHeaders(fail ? 404 : 200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
    try (Services services = Slipway.connect(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/_platform/v1/"), "url-token")) {
      assertEquals("t9", services.tasks().enqueue("/tasks/a"));
      assertEquals(List.of("POST /_platform/v1/tasks/enqueue Bearer url-token {\"path\":\"/tasks/a\"}"), seen);
      NotFoundException error = assertThrows(NotFoundException.class,
          () -> services.messaging().message("nobody", "s", "b"));
      assertEquals("no user", error.detail());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anUnreachableUrlIsUnavailable() throws IOException {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    try (Services services = Slipway.connect(URI.create("http://127.0.0.1:" + port + "/_platform/v1"), "t")) {
      SlipwayException error = assertThrows(SlipwayException.class, () -> services.tasks().enqueue("/x"));
      assertInstanceOf(UnavailableException.class, error);
      assertTrue(error.detail().contains("127.0.0.1:" + port), error.detail());
    }
  }
}
