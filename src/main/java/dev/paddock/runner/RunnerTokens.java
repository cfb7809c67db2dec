package dev.paddock.runner;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Runner tokens: {@code rn_} + 256 random bits in base64url; only their SHA-256 is ever stored (API keys too). */
public final class RunnerTokens {

    public static final String PREFIX = "rn_";
    private static final int DISPLAY_PREFIX_LENGTH = 7;

    private RunnerTokens() {
    }

    public record Issued(String token, byte[] hash, String displayPrefix) {
    }

    public static Issued issue() {
        String token = random(PREFIX);
        return new Issued(token, hash(token), token.substring(0, DISPLAY_PREFIX_LENGTH));
    }

    /** {@code prefix} + 256 random bits in base64url (43 characters). */
    public static String random(String prefix) {
        byte[] secret = new byte[32];
        // a fresh generator per token: no SecureRandom may be frozen into the native image heap
        new SecureRandom().nextBytes(secret);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static boolean looksLikeToken(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /**
     * Never used itself, only cloned: looking SHA-256 up among the security providers on every
     * agent call cost as much as the hash (bench/RESULTS.md), and a digest is not thread-safe.
     */
    private static final MessageDigest SHA_256 = sha256();

    public static byte[] hash(String token) {
        try {
            return ((MessageDigest) SHA_256.clone()).digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("this JVM's SHA-256 cannot be cloned", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
