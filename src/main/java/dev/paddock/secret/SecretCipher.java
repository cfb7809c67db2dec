package dev.paddock.secret;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.common.PaddockConfig;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Job secrets at rest: AES-256-GCM under {@code PADDOCK_SECRETS_KEY}, a fresh 96-bit nonce per
 * value, stored as nonce || ciphertext+tag. A missing or malformed key stops the start, except in
 * the dev and test profiles, which may generate one per process.
 */
@Startup
@ApplicationScoped
public class SecretCipher {

    private static final Logger LOG = Logger.getLogger(SecretCipher.class);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    @Inject
    PaddockConfig config;

    @Inject
    ObjectMapper json;

    private SecretKeySpec key;
    // the current key first, then those of earlier rotations
    private List<SecretKeySpec> openingKeys;
    // created at run time (not in a static field): a native image must not carry a seeded generator
    private SecureRandom random;

    @PostConstruct
    void init() {
        random = new SecureRandom();
        key = new SecretKeySpec(resolveKey("PADDOCK_SECRETS_KEY", config.secrets().key().orElse(""),
                config.secrets().generateWhenMissing()), "AES");
        openingKeys = new ArrayList<>(List.of(key));
        for (String previous : config.secrets().previousKeys().orElse(List.of())) {
            openingKeys.add(new SecretKeySpec(resolveKey("PADDOCK_SECRETS_PREVIOUS_KEYS", previous, false), "AES"));
        }
    }

    static byte[] resolveKey(String name, String configured, boolean generateWhenMissing) {
        String value = configured == null ? "" : configured.trim();
        if (value.isEmpty()) {
            if (!generateWhenMissing) {
                throw new IllegalStateException(name + " is not set: job secrets cannot be encrypted. "
                        + "Set it to the base64 of 32 random bytes, e.g. `openssl rand -base64 32`.");
            }
            LOG.warn("PADDOCK_SECRETS_KEY is not set; using a key generated for this process (dev/test only).");
            byte[] generated = new byte[32];
            new SecureRandom().nextBytes(generated);
            return generated;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not valid base64; it must be the base64 of 32 bytes.");
        }
        if (decoded.length != 32) {
            throw new IllegalStateException(name + " must be the base64 of exactly 32 bytes (AES-256), not "
                    + decoded.length + ".");
        }
        return decoded;
    }

    public byte[] encrypt(Map<String, String> secrets) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(json.writeValueAsBytes(secrets));
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("secrets could not be encrypted", e);
        }
    }

    public Map<String, String> decrypt(byte[] stored) {
        if (stored == null || stored.length == 0) {
            return Map.of();
        }
        for (SecretKeySpec candidate : openingKeys) {
            byte[] plain;
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, candidate, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
                plain = cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
            } catch (GeneralSecurityException e) {
                continue; // sealed under another key: GCM's tag does not match
            }
            try {
                return json.readValue(plain, new TypeReference<>() {
                });
            } catch (java.io.IOException e) {
                throw new IllegalStateException("secrets could not be read", e);
            }
        }
        throw new IllegalStateException("secrets could not be decrypted: sealed under a key that is neither "
                + "PADDOCK_SECRETS_KEY nor one of PADDOCK_SECRETS_PREVIOUS_KEYS");
    }
}
