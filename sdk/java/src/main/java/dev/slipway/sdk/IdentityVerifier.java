package dev.slipway.sdk;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks the gateway's signed identity headers (server/gateway/identity-signer.ts): Ed25519 over
 * {@code slipway-identity-v1\n<appId>\n<id>\n<name>\n<email>\n<roles>\n<time>} with the header
 * values as sent, and a time within {@link #MAX_SKEW_SECONDS} of now. Thread-safe.
 */
final class IdentityVerifier {
  static final long MAX_SKEW_SECONDS = 60;
  private static final String SIGNED_PREFIX = "slipway-identity-v1";

  private final String appId;
  private final String publicKeyBase64;
  private volatile PublicKey publicKey;

  IdentityVerifier(String appId, String publicKeyBase64) {
    this.appId = appId;
    this.publicKeyBase64 = publicKeyBase64;
  }

  /** Whether the app id and the public key are known, so that headers can be verified here. */
  boolean isConfigured() {
    return appId != null && publicKeyBase64 != null;
  }

  /** The verified user, or empty when the headers are absent, tampered with, or too old. */
  Optional<User> verify(Function<String, String> headers, long nowSeconds) {
    PublicKey key = publicKey();
    String id = headers.apply("X-Slipway-User-Id");
    String signature = headers.apply("X-Slipway-Identity-Signature");
    if (id == null || id.isEmpty() || signature == null || signature.isEmpty()) {
      return Optional.empty();
    }
    String name = orEmpty(headers.apply("X-Slipway-User-Name"));
    String email = orEmpty(headers.apply("X-Slipway-User-Email"));
    String roles = orEmpty(headers.apply("X-Slipway-User-Roles"));
    String time = orEmpty(headers.apply("X-Slipway-Identity-Time"));
    if (!time.matches("[0-9]{1,12}") || Math.abs(nowSeconds - Long.parseLong(time)) > MAX_SKEW_SECONDS) {
      return Optional.empty();
    }
    String signed = String.join("\n", SIGNED_PREFIX, appId, id, name, email, roles, time);
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(signed.getBytes(StandardCharsets.UTF_8));
      if (!verifier.verify(Base64.getUrlDecoder().decode(signature))) {
        return Optional.empty();
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return Optional.empty(); // not base64url, or not an Ed25519 signature's shape
    }
    String decodedName = percentDecode(name);
    String decodedEmail = percentDecode(email);
    if (decodedName == null || decodedEmail == null) {
      return Optional.empty();
    }
    return Optional.of(new User(id, decodedName, decodedEmail, splitRoles(roles)));
  }

  /**
   * Whether {@code signature} (base64url) is the platform's Ed25519 signature of the lines
   * {@code prefix}, the app id, then {@code values}, made within the allowed skew of {@code time}.
   */
  boolean verifySigned(String prefix, List<String> values, String time, String signature, long nowSeconds,
      long maxSkewSeconds) {
    if (signature == null || time == null || !time.matches("[0-9]{1,12}")
        || Math.abs(nowSeconds - Long.parseLong(time)) > maxSkewSeconds) {
      return false;
    }
    List<String> lines = new java.util.ArrayList<>();
    lines.add(prefix);
    lines.add(appId);
    lines.addAll(values);
    lines.add(time);
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(publicKey());
      verifier.update(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
      return verifier.verify(Base64.getUrlDecoder().decode(signature));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false;
    }
  }

  private PublicKey publicKey() {
    PublicKey key = publicKey;
    if (key != null) {
      return key;
    }
    if (appId == null || publicKeyBase64 == null) {
      throw new IllegalStateException("cannot verify identity headers: " + (appId == null ? Slipway.APP_ID_ENV
          : Slipway.PUBLIC_KEY_ENV) + " is not set (apps on Slipway get it; elsewhere use "
          + "Slipway.builder().appId(…).identityPublicKey(…))");
    }
    try {
      byte[] der = Base64.getDecoder().decode(publicKeyBase64);
      key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalStateException("the identity public key is not an Ed25519 key in SPKI DER base64: "
          + e.getMessage(), e);
    }
    publicKey = key;
    return key;
  }

  static List<String> splitRoles(String roles) {
    List<String> list = new ArrayList<>();
    for (String role : roles.split(",")) {
      if (!role.isEmpty()) {
        list.add(role);
      }
    }
    return list;
  }

  /** Decodes encodeURIComponent's output strictly ('+' is a plus); null when malformed. */
  static String percentDecode(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()) {
          return null;
        }
        int high = Character.digit(text.charAt(i + 1), 16);
        int low = Character.digit(text.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return null;
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c > 0x7e) {
        return null;
      } else {
        bytes.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
