package dev.slipway.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tasks.verifyCall against calls signed the way server/services/tasks/task-signature.ts signs them. */
class TaskCallTest {
  private static Map<String, String> call(KeyPair keys, String appId, String attempt, long time)
      throws GeneralSecurityException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Slipway-Task-Id", "t-7");
    headers.put("X-Slipway-Task-Attempt", attempt);
    headers.put("X-Slipway-Task-Queue", "mail");
    headers.put("X-Slipway-Task-Time", Long.toString(time));
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(keys.getPrivate());
    signer.update(String.join("\n", "slipway-task-v1", appId, "t-7", attempt, Long.toString(time))
        .getBytes(StandardCharsets.UTF_8));
    headers.put("X-Slipway-Task-Signature", Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign()));
    return headers;
  }

  @Test
  void acceptsTheSignedCallAndRefusesForgedAlteredForeignAndOldOnes() throws Exception {
    IdentitySigner platform = new IdentitySigner();
    IdentitySigner stranger = new IdentitySigner();
    Services services = Slipway.builder().socket(Path.of("/nonexistent.sock")).token("t").appId("app-1")
        .identityPublicKey(platform.publicKeyBase64).build();
    long now = System.currentTimeMillis() / 1000;

    Optional<Tasks.TaskCall> good =
        services.tasks().verifyCall(FakeRequests.withHeaders(call(platform.keys, "app-1", "2", now)));
    assertEquals(Optional.of(new Tasks.TaskCall("t-7", 2, "mail")), good);

    Map<String, String> altered = call(platform.keys, "app-1", "2", now);
    altered.put("X-Slipway-Task-Attempt", "3");
    for (Map<String, String> bad : List.of(
        call(stranger.keys, "app-1", "2", now),
        call(platform.keys, "app-2", "2", now),
        altered,
        call(platform.keys, "app-1", "2", now - 600),
        Map.<String, String>of())) {
      assertTrue(services.tasks().verifyCall(FakeRequests.withHeaders(bad)).isEmpty(), bad.toString());
    }
  }
}
