package dev.paddock.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Webhook secrets ({@code whsec_} and the base64 of 32 random bytes) and Standard Webhooks
 * signatures: {@code v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>}, one per secret
 * honoured, space-separated.
 */
public final class WebhookSecrets {

    public static final String PREFIX = "whsec_";

    private WebhookSecrets() {
    }

    /** A fresh secret's key bytes, base64. */
    static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key); // not a static field: a native image must not carry a seeded generator
        return Base64.getEncoder().encodeToString(key);
    }

    /** The secret as shown to people, from its key's base64. */
    static String shown(String keyBase64) {
        return PREFIX + keyBase64;
    }

    /**
     * The {@code webhook-signature} header's value for a body in UTF-8: a signature by each key
     * (base64), in order, of {@code "<id>.<timestamp>.<body>"}.
     */
    public static String signature(List<String> keysBase64, String id, long timestamp, byte[] body) {
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        return keysBase64.stream().map(key -> "v1," + hmac(Base64.getDecoder().decode(key), prefix, body))
                .collect(Collectors.joining(" "));
    }

    private static String hmac(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix);
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
