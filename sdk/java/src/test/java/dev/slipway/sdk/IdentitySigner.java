package dev.slipway.sdk;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Signs identity headers exactly as server/gateway/identity-signer.ts does, with a fresh key. */
final class IdentitySigner {
  final KeyPair keys;
  final String publicKeyBase64;

  IdentitySigner() throws GeneralSecurityException {
    keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    publicKeyBase64 = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()); // SPKI DER
  }

  Map<String, String> headers(String appId, String userId, String name, String email, List<String> roles,
      long timeSeconds) throws GeneralSecurityException {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("X-Slipway-User-Id", userId);
    values.put("X-Slipway-User-Name", encodeUriComponent(name));
    values.put("X-Slipway-User-Email", encodeUriComponent(email));
    values.put("X-Slipway-User-Roles", String.join(",", roles));
    values.put("X-Slipway-Identity-Time", Long.toString(timeSeconds));
    String text = String.join("\n", "slipway-identity-v1", appId, values.get("X-Slipway-User-Id"),
        values.get("X-Slipway-User-Name"), values.get("X-Slipway-User-Email"), values.get("X-Slipway-User-Roles"),
        values.get("X-Slipway-Identity-Time"));
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(keys.getPrivate());
    signer.update(text.getBytes(StandardCharsets.UTF_8));
    values.put("X-Slipway-Identity-Signature", Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign()));
    return values;
  }

  /** JavaScript's encodeURIComponent. */
  static String encodeUriComponent(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8)
        .replace("+", "%20").replace("%21", "!").replace("%27", "'").replace("%28", "(").replace("%29", ")")
        .replace("%7E", "~");
  }
}
