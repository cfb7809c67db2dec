package dev.paddock.support;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * A receiver's check of a Standard Webhooks signature, written from the specification (not from
 * the service's code): the secret's part after {@code whsec_} is the base64 of the key; the signed
 * content is {@code <webhook-id>.<webhook-timestamp>.<body>}; {@code webhook-signature} is a
 * space-separated list of {@code v1,<base64 HMAC-SHA256>}; any one matching verifies; a timestamp
 * more than five minutes from now is refused.
 */
public final class StandardWebhooks {

    private StandardWebhooks() {
    }

    public static boolean verify(String secret, WebhookReceiver.Received received) {
        String id = received.header("webhook-id");
        String timestamp = received.header("webhook-timestamp");
        String signatures = received.header("webhook-signature");
        if (id == null || timestamp == null || signatures == null || !secret.startsWith("whsec_")) {
            return false;
        }
        if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) > 300) {
            return false;
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            expected = mac.doFinal((id + "." + timestamp + "." + received.body()).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        for (String signature : signatures.split(" ")) {
            int comma = signature.indexOf(',');
            if (comma > 0 && signature.substring(0, comma).equals("v1")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(comma + 1)))) {
                return true;
            }
        }
        return false;
    }
}
