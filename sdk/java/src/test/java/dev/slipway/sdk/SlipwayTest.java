package dev.slipway.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.sdk.FakePlatform.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlipwayTest {
  @Test
  void withoutTheEnvironmentTheErrorSaysWhatIsMissing() {
    IllegalStateException none = assertThrows(IllegalStateException.class, () -> Slipway.fromEnvironment(Map.of()));
    assertTrue(none.getMessage().contains("SLIPWAY_SERVICES_SOCKET"), none.getMessage());
    assertTrue(none.getMessage().contains("SLIPWAY_SERVICES_URL"), none.getMessage());
    assertTrue(none.getMessage().contains("Slipway.connect"), none.getMessage());

    IllegalStateException noToken = assertThrows(IllegalStateException.class,
        () -> Slipway.fromEnvironment(Map.of("SLIPWAY_SERVICES_SOCKET", "/run/slipway-services/services.sock")));
    assertTrue(noToken.getMessage().contains("SLIPWAY_SERVICES_TOKEN is not set"), noToken.getMessage());

    assertThrows(IllegalStateException.class, () -> Slipway.fromEnvironment(Map.of("SLIPWAY_SERVICES_URL", " ",
        "SLIPWAY_SERVICES_TOKEN", "t")));
    assertThrows(IllegalStateException.class, () -> Slipway.fromEnvironment(Map.of("SLIPWAY_SERVICES_URL",
        "ftp://x/_platform/v1", "SLIPWAY_SERVICES_TOKEN", "t")));
  }

  @Test
  void theEnvironmentConfiguresSocketTokenAndIdentity() throws Exception {
    try (FakePlatform platform = new FakePlatform()) {
      IdentitySigner signer = new IdentitySigner();
      try (Services services = Slipway.fromEnvironment(Map.of(
          "SLIPWAY_SERVICES_SOCKET", platform.socket().toString(),
          "SLIPWAY_SERVICES_TOKEN", "env-token",
          "SLIPWAY_APP_ID", "app_env",
          "SLIPWAY_IDENTITY_PUBLIC_KEY", signer.publicKeyBase64))) {
        platform.answer(Response.json(Map.of("id", "t")));
        services.tasks().enqueue("/x");
        assertEquals("Bearer env-token", platform.next().header("Authorization"));
        Map<String, String> headers = signer.headers("app_env", "u", "N", "e@x", java.util.List.of(),
            System.currentTimeMillis() / 1000);
        assertEquals("u", services.users().current(FakeRequests.withHeaders(headers)).orElseThrow().id());
      }
    }
  }

  @Test
  void builderRequiresATokenAndADestination() {
    assertThrows(IllegalStateException.class, () -> Slipway.builder().token("t").build());
    assertThrows(IllegalStateException.class, () -> Slipway.builder().socket(java.nio.file.Path.of("/x")).build());
    assertThrows(IllegalArgumentException.class, () -> Slipway.builder().timeout(java.time.Duration.ZERO));
  }
}
