package dev.slipway.sdk;

import dev.slipway.sdk.Query.Op;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The SDK call each conformance case names ({@code "call"} in sdk/conformance/*.json), and its
 * result turned back into wire form for comparison with the case's response body.
 */
final class ConformanceCalls {
  private ConformanceCalls() {}

  /** What a call gets: services connected to the fake, and where the fake listens. */
  record Context(Services services, Path socket) {}

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
      return object("found", found.values().stream().map(ConformanceCalls::entityView).collect(Collectors.toList()),
          "missing", keys.stream().filter(key -> !found.containsKey(key)).map(DatastoreCodec::encodeKey)
              .collect(Collectors.toList()));
    });
    CALLS.put("datastore.query-open-tasks", c -> {
      QueryResult page = c.services().datastore().query(Query.kind("Task").filter("done", Op.EQ, false).limit(10));
      return object("entities", page.entities().stream().map(ConformanceCalls::entityView).collect(Collectors.toList()),
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
            .map(ConformanceCalls::userView).orElse(null));
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
    return users.stream().map(ConformanceCalls::userView).collect(Collectors.toList());
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
}
