package dev.paddock.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

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
     * A signer by these keys (base64), for the bodies one thread signs in turn: the
     * {@code webhook-signature} header's value for a body in UTF-8 is a signature by each key, in
     * order, of {@code "<id>.<timestamp>.<body>"}.
     */
    public static Signer signer(List<String> keysBase64) {
        Mac[] macs = new Mac[keysBase64.size()];
        try {
            for (int i = 0; i < macs.length; i++) {
                macs[i] = Mac.getInstance("HmacSHA256");
                macs[i].init(new SecretKeySpec(Base64.getDecoder().decode(keysBase64.get(i)), "HmacSHA256"));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
        return new Signer(macs);
    }

    /**
     * The {@code webhook-signature} header's values by a set of keys, one body after another: the
     * keys' MACs are looked up and keyed once, not once a body (a fifth of what signing a follower's
     * window cost). Not for two threads at once.
     */
    public static final class Signer {

        private final Mac[] macs;

        private Signer(Mac[] macs) {
            this.macs = macs;
        }

        public String sign(String id, long timestamp, byte[] body) {
            byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
            StringBuilder header = new StringBuilder(48 * macs.length);
            for (Mac mac : macs) {
                if (!header.isEmpty()) {
                    header.append(' ');
                }
                mac.update(prefix); // doFinal leaves the MAC keyed and ready for the next body
                header.append("v1,").append(Base64.getEncoder().encodeToString(mac.doFinal(body)));
            }
            return header.toString();
        }
    }
}
