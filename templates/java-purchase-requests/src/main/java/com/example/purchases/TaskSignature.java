package com.example.purchases;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Checks that a call to a task path really comes from the Slipway task queue: the platform signs
 * {@code slipway-task-v1\n<appId>\n<taskId>\n<attempt>\n<time>} with Ed25519, and the app checks it
 * with the public key it is given. Anyone else calling {@code /tasks/...} is refused. Copy this
 * class as it is into other apps.
 */
public final class TaskSignature {
    /** How far the signed time may be from now, in seconds. */
    static final long MAX_SKEW_SECONDS = 300;

    private final String appId;
    private final PublicKey key;

    public TaskSignature(String appId, String publicKeySpkiBase64) throws GeneralSecurityException {
        this.appId = appId;
        this.key = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKeySpkiBase64)));
    }

    /** From {@code SLIPWAY_APP_ID} and {@code SLIPWAY_IDENTITY_PUBLIC_KEY}; null outside Slipway. */
    public static TaskSignature fromEnvironment() {
        String appId = System.getenv("SLIPWAY_APP_ID");
        String key = System.getenv("SLIPWAY_IDENTITY_PUBLIC_KEY");
        if (appId == null || key == null || appId.isEmpty() || key.isEmpty()) {
            return null;
        }
        try {
            return new TaskSignature(appId, key);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether the request carries a valid, recent task signature. */
    public boolean verify(HttpServletRequest request) {
        String id = request.getHeader("X-Slipway-Task-Id");
        String attempt = request.getHeader("X-Slipway-Task-Attempt");
        String time = request.getHeader("X-Slipway-Task-Time");
        String signature = request.getHeader("X-Slipway-Task-Signature");
        if (id == null || id.isEmpty() || attempt == null || attempt.isEmpty() || signature == null
                || time == null || !time.matches("\\d{1,12}")) {
            return false;
        }
        if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(time)) > MAX_SKEW_SECONDS) {
            return false;
        }
        String signed = String.join("\n", "slipway-task-v1", appId, id, attempt, time);
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signed.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getUrlDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
