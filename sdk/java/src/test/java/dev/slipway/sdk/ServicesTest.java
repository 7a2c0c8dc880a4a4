package dev.slipway.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.sdk.FakePlatform.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Images, URL fetch, push, messaging and tasks: each call's request and answer. */
class ServicesTest {
  private FakePlatform platform;
  private Services services;

  @BeforeEach
  void start() throws Exception {
    platform = new FakePlatform();
    services = platform.services();
  }

  @AfterEach
  void stop() throws Exception {
    services.close();
    platform.close();
  }

  @Test
  void imageInfoSendsTheBytes() throws Exception {
    platform.answer(Response.json(Json.parse(
        "{\"format\":\"jpeg\",\"width\":640,\"height\":480,\"orientation\":6,\"hasAlpha\":false,\"frames\":1,\"bytes\":3}")));
    ImageInfo info = services.images().info(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff});
    assertEquals(new ImageInfo("jpeg", 640, 480, OptionalInt.of(6), false, 1, 3), info);
    FakePlatform.Request request = platform.next();
    assertEquals("/_platform/v1/images/info", request.target());
    assertEquals("application/octet-stream", request.header("Content-Type"));
    assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff}, request.body());

    platform.answer(Response.json(Json.parse(
        "{\"format\":\"png\",\"width\":1,\"height\":2,\"hasAlpha\":true,\"bytes\":9}")));
    assertEquals(new ImageInfo("png", 1, 2, OptionalInt.empty(), true, 1, 9), services.images().info(new byte[9]));
  }

  @Test
  void imageTransformSendsTheSpecHeaderAndReadsTheImage() throws Exception {
    byte[] webp = "RIFF....WEBP".getBytes(StandardCharsets.US_ASCII);
    platform.answer(Response.bytes(200, Map.of("Content-Type", "image/webp", "Slipway-Image-Width", "800",
        "Slipway-Image-Height", "600"), webp));
    ImageSpec spec = ImageSpec.create()
        .resize(ImageSpec.Resize.to(800, 600).fit(ImageSpec.Fit.CONTAIN).background("#ffffff").withoutEnlargement(false))
        .crop(1, 2, 3, 4).rotate(-90).flip().flop().thumbnail(64)
        .format(ImageSpec.Format.WEBP).quality(75).autoOrient(false);
    TransformedImage image = services.images().transform(new byte[] {1, 2}, spec);
    assertArrayEquals(webp, image.bytes());
    assertEquals("image/webp", image.contentType());
    assertEquals("webp", image.format());
    assertEquals(800, image.width());
    assertEquals(600, image.height());
    FakePlatform.Request request = platform.next();
    assertEquals("/_platform/v1/images/transform", request.target());
    assertArrayEquals(new byte[] {1, 2}, request.body());
    assertEquals(Json.parse("{\"operations\":["
        + "{\"op\":\"resize\",\"width\":800,\"height\":600,\"fit\":\"contain\",\"background\":\"#ffffff\",\"withoutEnlargement\":false},"
        + "{\"op\":\"crop\",\"left\":1,\"top\":2,\"width\":3,\"height\":4},{\"op\":\"rotate\",\"degrees\":-90},"
        + "{\"op\":\"flip\"},{\"op\":\"flop\"},{\"op\":\"thumbnail\",\"size\":64}],"
        + "\"output\":{\"format\":\"webp\",\"quality\":75},\"autoOrient\":false}"), Json.parse(request.header("Slipway-Image-Spec")));

    platform.answer(Response.bytes(200, Map.of("Content-Type", "image/png"), new byte[] {9}),
        Response.bytes(200, Map.of("Content-Type", "image/jpeg"), new byte[] {8}));
    assertEquals(0, services.images().resize(new byte[] {1}, 100, 50).width());
    assertEquals(Json.parse("{\"operations\":[{\"op\":\"resize\",\"width\":100,\"height\":50}]}"),
        Json.parse(platform.next().header("Slipway-Image-Spec")));
    services.images().thumbnail(new byte[] {1}, 32);
    assertEquals(Json.parse("{\"operations\":[{\"op\":\"thumbnail\",\"size\":32}]}"),
        Json.parse(platform.next().header("Slipway-Image-Spec")));
  }

  @Test
  void imageErrorsAreProblems() {
    platform.answer(Response.problem(415, "unsupported", "the data is not a JPEG, PNG, WebP or GIF image"));
    SlipwayException error = assertThrows(SlipwayException.class, () -> services.images().info(new byte[] {0}));
    assertEquals("unsupported", error.code());
    assertEquals(415, error.status());
  }

  @Test
  void fetchSendsTheRequestAndDecodesTheBody() throws Exception {
    platform.answer(Response.json(Json.parse("{\"status\":201,\"headers\":{\"Content-Type\":\"text/plain; charset=ISO-8859-1\"},"
        + "\"body\":\"6Q==\",\"finalUrl\":\"https://example.com/b\",\"redirects\":[\"https://example.com/b\"]}")));
    FetchResponse response = services.urlFetch().fetch(FetchRequest.post("https://example.com/a", new byte[] {1, 2, 3})
        .header("X-A", "1").timeout(Duration.ofSeconds(5)).maxResponseBytes(1000).followRedirects(true));
    assertEquals(201, response.status());
    assertEquals("é", response.text());
    assertEquals("text/plain; charset=ISO-8859-1", response.header("CONTENT-TYPE"));
    assertEquals("https://example.com/b", response.finalUrl());
    assertEquals(List.of("https://example.com/b"), response.redirects());
    assertEquals(Json.parse("{\"url\":\"https://example.com/a\",\"method\":\"POST\",\"headers\":{\"X-A\":\"1\"},"
        + "\"body\":\"AQID\",\"timeoutMs\":5000,\"maxResponseBytes\":1000,\"followRedirects\":true}"), platform.next().json());

    platform.answer(Response.json(Json.parse(
        "{\"status\":200,\"headers\":{},\"body\":\"\",\"finalUrl\":\"https://example.com/\",\"redirects\":[]}")));
    services.urlFetch().fetch("https://example.com/");
    assertEquals(Json.parse("{\"url\":\"https://example.com/\",\"method\":\"GET\"}"), platform.next().json());

    platform.answer(Response.problem(403, "forbidden", "127.0.0.1 is a private address"));
    ForbiddenException refused = assertThrows(ForbiddenException.class,
        () -> services.urlFetch().fetch("http://127.0.0.1/"));
    assertTrue(refused.detail().contains("private address"));
  }

  @Test
  void extractSendsFieldsAndReadsValues() throws Exception {
    platform.answer(Response.json(Json.parse("{\"status\":200,\"finalUrl\":\"https://example.com/\","
        + "\"fields\":{\"title\":\"Hello\",\"links\":[\"/a\",\"/b\"],\"missing\":null}}")));
    Map<String, ExtractField> fields = new LinkedHashMap<>();
    fields.put("title", ExtractField.text("h1"));
    fields.put("links", ExtractField.attribute("a", "href").all());
    fields.put("missing", ExtractField.text(".none"));
    Extraction extraction = services.urlFetch().extract("https://example.com/", fields);
    assertEquals(200, extraction.status());
    assertEquals("Hello", extraction.text("title"));
    assertEquals(List.of("/a", "/b"), extraction.all("links"));
    assertNull(extraction.text("missing"));
    assertEquals(List.of(), extraction.all("missing"));
    assertEquals(List.of("Hello"), extraction.all("title"));
    assertThrows(ClassCastException.class, () -> extraction.text("links"));
    assertEquals(Json.parse("{\"url\":\"https://example.com/\",\"fields\":{\"title\":{\"selector\":\"h1\"},"
        + "\"links\":{\"selector\":\"a\",\"attribute\":\"href\",\"all\":true},\"missing\":{\"selector\":\".none\"}}}"),
        platform.next().json());
  }

  @Test
  void push() throws Exception {
    platform.answer(Response.json(Json.parse("{\"channel\":\"user:u1\",\"token\":\"pt\",\"clientScript\":\"/_slipway/push.js\"}")));
    assertEquals(new PushChannel("user:u1", "pt", "/_slipway/push.js"), services.push().channelForUser("u1"));
    assertEquals(Map.of("user", "u1"), platform.next().json());

    platform.answer(Response.json(Json.parse("{\"channel\":\"topic:orders\",\"token\":\"pt2\",\"clientScript\":\"/s.js\"}")));
    services.push().channelForTopic("orders");
    assertEquals(Map.of("topic", "orders"), platform.next().json());

    platform.answer(Response.json(Json.parse("{\"delivered\":2,\"queued\":0}")));
    assertEquals(new PushResult(2, 0), services.push().sendToUser("u1", Map.of("type", "hi", "n", 1)));
    assertEquals(Json.parse("{\"user\":\"u1\",\"message\":{\"type\":\"hi\",\"n\":1}}"), platform.next().json());

    platform.answer(Response.json(Json.parse("{\"delivered\":0,\"queued\":5}")));
    assertEquals(new PushResult(0, 5), services.push().sendToTopic("orders", List.of(1, "two"), Duration.ofMinutes(1)));
    assertEquals(Json.parse("{\"topic\":\"orders\",\"message\":[1,\"two\"],\"ttlSeconds\":60}"), platform.next().json());
  }

  @Test
  void messaging() throws Exception {
    platform.answer(Response.json(Map.of("id", "mail_1", "via", "outbox")));
    MailReceipt receipt = services.messaging().mail(Mail.to("a@x", "b@x").subject("Hi").text("Hello").html("<p>Hello</p>"));
    assertEquals(new MailReceipt("mail_1", "outbox"), receipt);
    assertEquals(Json.parse("{\"to\":[\"a@x\",\"b@x\"],\"subject\":\"Hi\",\"text\":\"Hello\",\"html\":\"<p>Hello</p>\"}"),
        platform.next().json());

    platform.answer(Response.json(Map.of("id", "msg_1")));
    assertEquals("msg_1", services.messaging().message("u2", "Subject", "Body"));
    FakePlatform.Request request = platform.next();
    assertEquals("/_platform/v1/messaging/message", request.target());
    assertEquals(Json.parse("{\"user\":\"u2\",\"subject\":\"Subject\",\"body\":\"Body\"}"), request.json());
    assertThrows(IllegalArgumentException.class, () -> Mail.to(List.of()));
  }

  @Test
  void tasks() throws Exception {
    platform.answer(Response.json(Map.of("id", "task_1")), Response.json(Map.of("id", "task_2")));
    assertEquals("task_1", services.tasks().enqueue("/tasks/cleanup"));
    assertEquals(Map.of("path", "/tasks/cleanup"), platform.next().json());
    assertEquals("task_2", services.tasks().enqueue(Task.to("/tasks/mail").method("PUT").payload(Map.of("order", 17))
        .delay(Duration.ofMillis(1500)).maxAttempts(3).queue("mail")));
    assertEquals(Json.parse("{\"path\":\"/tasks/mail\",\"method\":\"PUT\",\"payload\":{\"order\":17},"
        + "\"delaySeconds\":2,\"maxAttempts\":3,\"queue\":\"mail\"}"), platform.next().json());
  }
}
