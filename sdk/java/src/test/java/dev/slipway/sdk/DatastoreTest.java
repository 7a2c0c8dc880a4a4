package dev.slipway.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.sdk.FakePlatform.Response;
import dev.slipway.sdk.Query.Direction;
import dev.slipway.sdk.Query.Op;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DatastoreTest {
  private FakePlatform platform;
  private Services services;
  private Datastore datastore;

  @BeforeEach
  void start() throws Exception {
    platform = new FakePlatform();
    services = platform.services();
    datastore = services.datastore();
  }

  @AfterEach
  void stop() throws Exception {
    services.close();
    platform.close();
  }

  @Test
  void putSendsTaggedValuesAndAssignsTheAllocatedKey() throws Exception {
    platform.answer(Response.json(Map.of("keys", List.of(Map.of("kind", "Task", "id", "17")), "versions", List.of("1"))));
    Entity task = new Entity(Key.incomplete("Task"))
        .set("title", "Order paper")
        .set("priority", 2)
        .set("ratio", 0.5)
        .set("done", false)
        .set("due", Instant.parse("2026-11-27T09:00:00.123456Z"))
        .set("photo", new byte[] {1, 2, (byte) 0xff})
        .set("owner", Key.of("User", "ana"))
        .set("tags", List.of("office", 3))
        .set("note", null);

    Key key = datastore.put(task);

    assertEquals(Key.of("Task", 17), key);
    assertEquals(key, task.key());
    assertEquals(1, task.version());
    FakePlatform.Request request = platform.next();
    assertEquals("POST", request.method());
    assertEquals("/_platform/v1/datastore/put", request.target());
    assertEquals("Bearer " + FakePlatform.TOKEN, request.header("Authorization"));
    assertEquals("platform", request.header("Host"));
    assertEquals("application/json", request.header("Content-Type"));
    assertEquals(Json.parse("{\"entities\":[{\"key\":{\"kind\":\"Task\"},\"properties\":{"
        + "\"title\":{\"stringValue\":\"Order paper\"},"
        + "\"priority\":{\"integerValue\":\"2\"},"
        + "\"ratio\":{\"doubleValue\":0.5},"
        + "\"done\":{\"booleanValue\":false},"
        + "\"due\":{\"timestampValue\":\"2026-11-27T09:00:00.123Z\"},"
        + "\"photo\":{\"bytesValue\":\"AQL/\"},"
        + "\"owner\":{\"keyValue\":{\"kind\":\"User\",\"name\":\"ana\"}},"
        + "\"tags\":{\"arrayValue\":[{\"stringValue\":\"office\"},{\"integerValue\":\"3\"}]},"
        + "\"note\":{\"nullValue\":null}}}]}"), request.json());
  }

  @Test
  void valuesRoundTripThroughTheWire() throws Exception {
    Entity original = new Entity(Key.of("Edge", "cases"))
        .set("min", Long.MIN_VALUE)
        .set("max", Long.MAX_VALUE)
        .set("instant", Instant.parse("2026-01-02T03:04:05.678Z"))
        .set("epoch", Instant.EPOCH)
        .set("first", Instant.parse("0001-01-01T00:00:00Z"))
        .set("bytes", new byte[] {0, -1, 127, -128})
        .set("empty", new byte[0])
        .set("double", -1.0E-300)
        .set("unicode", "é 😀 \u0000")
        .set("list", Arrays.asList(1L, "two", null, Key.of("K", 5)));
    // The fake stores what put sent and answers get with it: the values cross the wire both ways.
    Object[] stored = new Object[1];
    platform.handle(request -> {
      Map<?, ?> body = (Map<?, ?>) request.json();
      if (request.target().endsWith("/put")) {
        Map<?, ?> put = (Map<?, ?>) ((List<?>) body.get("entities")).get(0);
        Map<String, Object> entity = new java.util.LinkedHashMap<>();
        entity.put("key", put.get("key"));
        entity.put("properties", put.get("properties"));
        entity.put("version", "4");
        stored[0] = entity;
        return Response.json(Map.of("keys", List.of(put.get("key")), "versions", List.of("4")));
      }
      return Response.json(Map.of("found", List.of(stored[0]), "missing", List.of()));
    });
    datastore.put(original);
    Entity decoded = datastore.get(original.key()).orElseThrow();
    Map<?, ?> encoded = (Map<?, ?>) stored[0];

    assertEquals(Long.MIN_VALUE, decoded.getLong("min"));
    assertEquals("-9223372036854775808",
        ((Map<?, ?>) ((Map<?, ?>) encoded.get("properties")).get("min")).get("integerValue"));
    assertEquals(Long.MAX_VALUE, decoded.getLong("max"));
    assertEquals(Instant.parse("2026-01-02T03:04:05.678Z"), decoded.getInstant("instant"));
    assertEquals("1970-01-01T00:00:00.000Z",
        ((Map<?, ?>) ((Map<?, ?>) encoded.get("properties")).get("epoch")).get("timestampValue"));
    assertEquals(Instant.parse("0001-01-01T00:00:00Z"), decoded.getInstant("first"));
    assertArrayEquals(new byte[] {0, -1, 127, -128}, decoded.getBytes("bytes"));
    assertArrayEquals(new byte[0], decoded.getBytes("empty"));
    assertEquals(-1.0E-300, decoded.getDouble("double"));
    assertEquals("é 😀 \u0000", decoded.getString("unicode"));
    assertEquals(Arrays.asList(1L, "two", null, Key.of("K", 5)), decoded.getList("list"));
    assertEquals(4, decoded.version());
  }

  @Test
  void entitiesRefuseWhatCannotBeStored() {
    Entity entity = new Entity(Key.of("T", "x"));
    IllegalArgumentException nested = assertThrows(IllegalArgumentException.class,
        () -> entity.set("tags", List.of(List.of("a"))));
    assertTrue(nested.getMessage().contains("a list cannot contain a list"), nested.getMessage());
    assertThrows(IllegalArgumentException.class, () -> entity.set("d", Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> entity.set("d", Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> entity.set("i", Instant.parse("+10000-01-01T00:00:00Z")));
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> entity.set("o", new Object()));
    assertTrue(type.getMessage().contains("property \"o\""), type.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Query.kind("T").filter("x", Op.EQ, List.of(List.of())));
    assertThrows(IllegalArgumentException.class, () -> Query.kind("T").filter("x", Op.IN, "not a list"));
  }

  @Test
  void typedGettersConvertNothingAndNameTheProperty() {
    Entity entity = new Entity(Key.of("T", "x")).set("n", 3).set("f", 1.5f).set("s", "x").set("nothing", null);
    assertEquals(3L, entity.getLong("n"));
    assertEquals(1.5, entity.getDouble("f"));
    assertNull(entity.getString("absent"));
    assertNull(entity.getString("nothing"));
    assertTrue(entity.contains("nothing"));
    assertFalse(entity.contains("absent"));
    ClassCastException error = assertThrows(ClassCastException.class, () -> entity.getString("n"));
    assertEquals("property \"n\" is a Long, not a String", error.getMessage());
    assertThrows(ClassCastException.class, () -> entity.getDouble("n"));
    entity.set("tags", List.of("a", "b"));
    assertEquals(List.of("a", "b"), entity.getList("tags", String.class));
    assertThrows(ClassCastException.class, () -> entity.getList("tags", Long.class));
    byte[] bytes = {1};
    entity.set("b", bytes);
    bytes[0] = 2;
    assertArrayEquals(new byte[] {1}, entity.getBytes("b"));
  }

  @Test
  void getReturnsFoundEntitiesInRequestOrder() throws Exception {
    platform.answer(Response.json(Json.parse("{\"found\":[{\"key\":{\"kind\":\"Task\",\"id\":\"2\"},"
        + "\"properties\":{\"title\":{\"stringValue\":\"B\"}},\"version\":\"7\"},"
        + "{\"key\":{\"kind\":\"Task\",\"name\":\"a\"},\"properties\":{},\"version\":\"1\"}],"
        + "\"missing\":[{\"kind\":\"Task\",\"name\":\"zz\"}]}")));
    Map<Key, Entity> found = datastore.getAll(List.of(Key.of("Task", "a"), Key.of("Task", "zz"), Key.of("Task", 2)));
    assertEquals(List.of(Key.of("Task", "a"), Key.of("Task", 2)), List.copyOf(found.keySet()));
    assertEquals("B", found.get(Key.of("Task", 2)).getString("title"));
    assertEquals(7, found.get(Key.of("Task", 2)).version());
    assertEquals(Json.parse("{\"keys\":[{\"kind\":\"Task\",\"name\":\"a\"},{\"kind\":\"Task\",\"name\":\"zz\"},"
        + "{\"kind\":\"Task\",\"id\":\"2\"}]}"), platform.next().json());

    platform.answer(Response.json(Map.of("found", List.of(), "missing", List.of(Map.of("kind", "Task", "name", "a")))));
    assertEquals(Optional.empty(), datastore.get(Key.of("Task", "a")));
  }

  @Test
  void deleteAndQuery() throws Exception {
    platform.answer(Response.json(Map.of("deleted", 1)), Response.json(Map.of("deleted", 0)));
    assertTrue(datastore.delete(Key.of("Task", "a")));
    assertEquals(Json.parse("{\"keys\":[{\"kind\":\"Task\",\"name\":\"a\"}]}"), platform.next().json());
    assertEquals(0, datastore.deleteAll(List.of(Key.of("Task", 1), Key.of("Task", 2))));
    assertEquals("/_platform/v1/datastore/delete", platform.next().target());

    platform.answer(Response.json(Json.parse("{\"entities\":[{\"key\":{\"kind\":\"Task\",\"id\":\"1\"},"
        + "\"properties\":{\"done\":{\"booleanValue\":false}},\"version\":\"3\"}],\"cursor\":\"c2\"}")));
    Query query = Query.kind("Task")
        .filter("done", Op.EQ, false)
        .filter("priority", Op.IN, List.of(1, 2))
        .filter("__key__", Op.GT, Key.of("Task", 5))
        .order("due", Direction.DESC)
        .order("title", false)
        .limit(20)
        .startCursor("c1")
        .keysOnly();
    QueryResult result = datastore.query(query);
    assertEquals(1, result.entities().size());
    assertEquals(false, result.entities().get(0).getBoolean("done"));
    assertEquals("c2", result.cursor());
    assertTrue(result.hasMore());
    assertEquals(Json.parse("{\"query\":{\"kind\":\"Task\",\"filters\":["
        + "{\"property\":\"done\",\"op\":\"=\",\"value\":{\"booleanValue\":false}},"
        + "{\"property\":\"priority\",\"op\":\"in\",\"value\":{\"arrayValue\":[{\"integerValue\":\"1\"},{\"integerValue\":\"2\"}]}},"
        + "{\"property\":\"__key__\",\"op\":\">\",\"value\":{\"keyValue\":{\"kind\":\"Task\",\"id\":\"5\"}}}],"
        + "\"orders\":[{\"property\":\"due\",\"direction\":\"desc\"},{\"property\":\"title\",\"direction\":\"asc\"}],"
        + "\"limit\":20,\"cursor\":\"c1\",\"keysOnly\":true}}"), platform.next().json());

    platform.answer(Response.json(Json.parse("{\"entities\":[],\"cursor\":null}")));
    QueryResult last = datastore.query(Query.kind("Task"));
    assertNull(last.cursor());
    assertFalse(last.hasMore());
    assertEquals(Json.parse("{\"query\":{\"kind\":\"Task\"}}"), platform.next().json());
  }

  @Test
  void queriesAreImmutable() {
    Query base = Query.kind("Task").limit(5);
    Query page = base.startCursor("x");
    assertEquals("{\"kind\":\"Task\",\"limit\":5}", base.toString());
    assertEquals("{\"kind\":\"Task\",\"limit\":5,\"cursor\":\"x\"}", page.toString());
  }

  @Test
  void transactionCommitsReadsWithVersionsAndWrites() throws Exception {
    platform.answer(
        Response.json(Json.parse("{\"found\":[{\"key\":{\"kind\":\"Counter\",\"name\":\"c\"},"
            + "\"properties\":{\"n\":{\"integerValue\":\"41\"}},\"version\":\"3\"}],\"missing\":[]}")),
        Response.json(Json.parse("{\"found\":[],\"missing\":[{\"kind\":\"Log\",\"name\":\"l\"}]}")),
        Response.json(Json.parse("{\"keys\":[{\"kind\":\"Counter\",\"name\":\"c\"}],\"versions\":[\"4\"],\"deleted\":1}")));
    long n = datastore.transaction(tx -> {
      Entity counter = tx.get(Key.of("Counter", "c")).orElseThrow();
      assertTrue(tx.get(Key.of("Log", "l")).isEmpty());
      counter.set("n", counter.getLong("n") + 1);
      tx.put(counter);
      tx.delete(Key.of("Old", 9));
      return counter.getLong("n");
    });
    assertEquals(42, n);
    platform.next();
    platform.next();
    FakePlatform.Request commit = platform.next();
    assertEquals("/_platform/v1/datastore/commit", commit.target());
    assertEquals(Json.parse("{\"reads\":[{\"key\":{\"kind\":\"Counter\",\"name\":\"c\"},\"version\":\"3\"},"
        + "{\"key\":{\"kind\":\"Log\",\"name\":\"l\"},\"version\":\"0\"}],"
        + "\"puts\":[{\"key\":{\"kind\":\"Counter\",\"name\":\"c\"},\"properties\":{\"n\":{\"integerValue\":\"42\"}}}],"
        + "\"deletes\":[{\"kind\":\"Old\",\"id\":\"9\"}]}"), commit.json());
  }

  @Test
  void transactionRetriesOnConflictWithFreshReads() throws Exception {
    Response read = Response.json(Json.parse("{\"found\":[],\"missing\":[{\"kind\":\"C\",\"name\":\"c\"}]}"));
    Response conflict = Response.problem(409, "conflict", "C(\"c\") changed");
    Response committed = Response.json(Json.parse("{\"keys\":[{\"kind\":\"C\",\"name\":\"c\"}],\"versions\":[\"1\"]}"));
    platform.answer(read, conflict, read, conflict, read, committed);
    int[] attempts = {0};
    Key key = Key.of("C", "c");
    String result = datastore.transaction(tx -> {
      attempts[0]++;
      tx.get(key);
      tx.put(new Entity(key).set("n", 1));
      return "done";
    });
    assertEquals("done", result);
    assertEquals(3, attempts[0]);
    assertEquals(6, platform.pending());
  }

  @Test
  void transactionGivesUpAfterFiveAttempts() {
    Response read = Response.json(Json.parse("{\"found\":[],\"missing\":[{\"kind\":\"C\",\"name\":\"c\"}]}"));
    Response conflict = Response.problem(409, "conflict", "lost the race");
    for (int i = 0; i < Datastore.TRANSACTION_ATTEMPTS; i++) {
      platform.answer(read, conflict);
    }
    int[] attempts = {0};
    ConflictException error = assertThrows(ConflictException.class, () -> datastore.transaction(tx -> {
      attempts[0]++;
      tx.get(Key.of("C", "c"));
      tx.put(new Entity(Key.of("C", "c")));
      return null;
    }));
    assertEquals(5, attempts[0]);
    assertEquals("lost the race", error.detail());
    assertEquals(409, error.status());
  }

  @Test
  void transactionDoesNotRetryOtherErrorsOrCommitAfterAnException() {
    platform.answer(Response.problem(400, "invalid-input", "keys[0].kind: bad"));
    assertThrows(InvalidInputException.class, () -> datastore.transaction(tx -> tx.get(Key.of("bad kind", "x"))));
    assertThrows(IllegalStateException.class, () -> datastore.transaction(tx -> {
      tx.put(new Entity(Key.of("T", "x")));
      throw new IllegalStateException("app bug");
    }));
    assertEquals(1, platform.pending()); // only the get: nothing committed
  }

  @Test
  void commitWithExpectedVersions() throws Exception {
    platform.answer(Response.json(Json.parse("{\"keys\":[{\"kind\":\"Doc\",\"id\":\"8\"}],\"versions\":[\"1\"]}")));
    Entity doc = new Entity(Key.incomplete("Doc")).set("t", "x");
    List<Key> keys = datastore.commit(new Commit().expectVersion(Key.of("Doc", "a"), 6).put(doc).delete(Key.of("Doc", 1)));
    assertEquals(List.of(Key.of("Doc", 8)), keys);
    assertEquals(Key.of("Doc", 8), doc.key());
    assertEquals(Json.parse("{\"reads\":[{\"key\":{\"kind\":\"Doc\",\"name\":\"a\"},\"version\":\"6\"}],"
        + "\"puts\":[{\"key\":{\"kind\":\"Doc\"},\"properties\":{\"t\":{\"stringValue\":\"x\"}}}],"
        + "\"deletes\":[{\"kind\":\"Doc\",\"id\":\"1\"}]}"), platform.next().json());
  }

  @Test
  void emptyBatchesMakeNoCall() {
    assertEquals(Map.of(), datastore.getAll(List.of()));
    assertEquals(List.of(), datastore.putAll(List.of()));
    assertEquals(0, datastore.deleteAll(List.of()));
    assertEquals(0, platform.pending());
  }

  @Test
  void malformedAnswersAreInvalidResponses() {
    platform.answer(Response.json(Map.of("found", "nope")));
    SlipwayException error = assertThrows(SlipwayException.class, () -> datastore.get(Key.of("T", "x")));
    assertEquals("invalid-response", error.code());
    assertTrue(error.detail().contains("found"), error.detail());

    platform.answer(Response.bytes(200, Map.of("Content-Type", "application/json"), "{\"found\": [".getBytes()));
    SlipwayException notJson = assertThrows(SlipwayException.class, () -> datastore.get(Key.of("T", "x")));
    assertEquals("invalid-response", notJson.code());
    assertTrue(notJson.detail().contains("Invalid JSON at line 1"), notJson.detail());
  }
}
