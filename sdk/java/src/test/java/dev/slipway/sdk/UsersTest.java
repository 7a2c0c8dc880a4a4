package dev.slipway.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.sdk.FakePlatform.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UsersTest {
  private static final String APP_ID = "app_42";

  private FakePlatform platform;
  private IdentitySigner signer;
  private Services services;

  @BeforeEach
  void start() throws Exception {
    platform = new FakePlatform();
    signer = new IdentitySigner();
    services = Slipway.builder().socket(platform.socket()).token(FakePlatform.TOKEN).appId(APP_ID)
        .identityPublicKey(signer.publicKeyBase64).build();
  }

  @AfterEach
  void stop() throws Exception {
    services.close();
    platform.close();
  }

  private Map<String, String> signed(long time) throws Exception {
    return signer.headers(APP_ID, "u_1", "Ana Pérez, Jr.", "ana+test@example.com", List.of("manager", "staff"), time);
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  @Test
  void validHeadersGiveTheUserWithoutACall() throws Exception {
    Optional<User> user = services.users().current(FakeRequests.withHeaders(signed(now())));
    assertEquals(Optional.of(new User("u_1", "Ana Pérez, Jr.", "ana+test@example.com", List.of("manager", "staff"))),
        user);
    assertTrue(user.orElseThrow().hasRole("manager"));
    assertFalse(user.orElseThrow().hasRole("admin"));
    assertEquals(0, platform.pending());
  }

  @Test
  void timesWithinAMinuteEitherWayAreAccepted() throws Exception {
    assertTrue(services.users().current(FakeRequests.withHeaders(signed(now() - 55))).isPresent());
    assertTrue(services.users().current(FakeRequests.withHeaders(signed(now() + 55))).isPresent());
    assertTrue(services.users().current(FakeRequests.withHeaders(signed(now() - 120))).isEmpty());
    assertTrue(services.users().current(FakeRequests.withHeaders(signed(now() + 120))).isEmpty());
  }

  @Test
  void tamperedHeadersGiveNobody() throws Exception {
    Map<String, String> valid = signed(now());
    for (String name : valid.keySet()) {
      Map<String, String> tampered = new HashMap<>(valid);
      String value = tampered.get(name);
      tampered.put(name, name.endsWith("Time") ? Long.toString(Long.parseLong(value) - 1)
          : name.endsWith("Signature") ? (value.charAt(0) == 'A' ? "B" : "A") + value.substring(1) : value + "x");
      assertEquals(Optional.empty(), services.users().current(FakeRequests.withHeaders(tampered)), name);
    }
    Map<String, String> missing = new HashMap<>(valid);
    missing.remove("X-Slipway-Identity-Signature");
    assertEquals(Optional.empty(), services.users().current(FakeRequests.withHeaders(missing)));
    assertEquals(Optional.empty(), services.users().current(FakeRequests.withHeaders(Map.of())));
  }

  @Test
  void anotherAppsOrKeysSignatureIsRefused() throws Exception {
    Map<String, String> otherApp = signer.headers("app_other", "u_1", "A", "a@x", List.of(), now());
    assertEquals(Optional.empty(), services.users().current(FakeRequests.withHeaders(otherApp)));
    Map<String, String> otherKey = new IdentitySigner().headers(APP_ID, "u_1", "A", "a@x", List.of(), now());
    assertEquals(Optional.empty(), services.users().current(FakeRequests.withHeaders(otherKey)));
  }

  @Test
  void userWithoutRolesHasNone() throws Exception {
    Map<String, String> headers = signer.headers(APP_ID, "u_2", "", "", List.of(), now());
    assertEquals(List.of(), services.users().current(FakeRequests.withHeaders(headers)).orElseThrow().roles());
  }

  @Test
  void withoutKeyTheUserIsAskedFromThePlatformWithTheHeaders() throws Exception {
    try (Services unconfigured = Slipway.builder().socket(platform.socket()).token(FakePlatform.TOKEN).build()) {
      platform.answer(Response.json(Json.parse(
          "{\"user\":{\"id\":\"u_1\",\"name\":\"Ana\",\"email\":\"a@x\",\"roles\":[\"staff\"]}}")));
      Map<String, String> headers = signed(now());
      User user = unconfigured.users().current(FakeRequests.withHeaders(headers)).orElseThrow();
      assertEquals(new User("u_1", "Ana", "a@x", List.of("staff")), user);
      FakePlatform.Request request = platform.next();
      assertEquals("/_platform/v1/users/current", request.target());
      assertEquals(Map.of(), request.json());
      headers.forEach((name, value) -> assertEquals(value, request.header(name)));
      assertEquals(Optional.empty(), unconfigured.users().current(FakeRequests.withHeaders(Map.of())));
      assertEquals(0, platform.pending());
    }
  }

  @Test
  void aMalformedKeyIsAClearError() throws Exception {
    try (Services broken = Slipway.builder().socket(platform.socket()).token("t").appId(APP_ID)
        .identityPublicKey("bm90IGEga2V5").build()) {
      IllegalStateException error = assertThrows(IllegalStateException.class,
          () -> broken.users().current(FakeRequests.withHeaders(signed(now()))));
      assertTrue(error.getMessage().contains("SPKI DER base64"), error.getMessage());
    }
  }

  @Test
  void currentFromPlatformAndList() throws Exception {
    platform.answer(Response.json(Json.parse("{\"user\":null}")));
    assertEquals(Optional.empty(), services.users().currentFromPlatform());
    assertEquals(Map.of(), platform.next().json());

    platform.answer(Response.json(Json.parse("{\"users\":[{\"id\":\"u1\",\"name\":\"A\",\"email\":\"a@x\","
        + "\"roles\":[\"manager\"]},{\"id\":\"u2\",\"name\":\"B\",\"email\":\"b@x\",\"roles\":[]}]}")));
    List<User> managers = services.users().list("manager");
    assertEquals(2, managers.size());
    assertEquals(List.of("manager"), managers.get(0).roles());
    FakePlatform.Request request = platform.next();
    assertEquals("/_platform/v1/users/list", request.target());
    assertEquals(Map.of("role", "manager"), request.json());

    platform.answer(Response.json(Json.parse("{\"users\":[]}")));
    assertEquals(List.of(), services.users().list());
    assertEquals(Map.of(), platform.next().json());
  }

  @Test
  void loginAndLogoutUrls() {
    Users users = services.users();
    assertEquals("/_slipway/login?return=/", users.loginUrl("/"));
    assertEquals("/_slipway/login?return=/orders%3Fopen%3D1%26q%3Da%20b", users.loginUrl("/orders?open=1&q=a b"));
    assertEquals("/_slipway/login?return=/caf%C3%A9", users.loginUrl("/café"));
    assertThrows(IllegalArgumentException.class, () -> users.loginUrl("https://evil.example/"));
    assertThrows(IllegalArgumentException.class, () -> users.loginUrl("//evil.example/"));
    assertEquals("/_slipway/logout", users.logoutUrl());
  }

  @Test
  void percentDecodingIsStrict() {
    assertEquals("a+b c", IdentityVerifier.percentDecode("a+b%20c"));
    assertEquals(null, IdentityVerifier.percentDecode("%E0%A4"));
    assertEquals(null, IdentityVerifier.percentDecode("%G0"));
    assertEquals(null, IdentityVerifier.percentDecode("bad%"));
  }
}
