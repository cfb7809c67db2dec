package dev.paddock.support;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

import java.security.PrivateKey;
import java.time.Instant;
import java.util.UUID;

/** JWTs for tests, signed with the test key (src/test/resources) unless said otherwise. */
public final class Tokens {

    public static final String ISSUER = "https://paddock.test";
    public static final String ALL_SCOPES = "runners:manage runners:register jobs:manage webhooks:manage";

    private static final PrivateKey KEY = load("privateKey.pem");

    private Tokens() {
    }

    private static PrivateKey load(String resource) {
        try {
            return KeyUtils.readPrivateKey(resource);
        } catch (Exception e) {
            throw new IllegalStateException("test key " + resource + " not readable", e);
        }
    }

    /** Signed explicitly, so tests against the packaged app sign the same way as in-process ones. */
    private static String sign(io.smallrye.jwt.build.JwtClaimsBuilder claims) {
        return claims.sign(KEY);
    }

    /** A fresh tenant, so tests never see each other's data. */
    public static String newTenant() {
        return "tenant-" + UUID.randomUUID();
    }

    public static String person(String tenant, String scope) {
        return sign(Jwt.issuer(ISSUER).subject("user-" + tenant).claim("tenant", tenant).claim("scope", scope)
                .expiresIn(3600));
    }

    public static String person(String tenant, String subject, String scope) {
        return sign(Jwt.issuer(ISSUER).subject(subject).claim("tenant", tenant).claim("scope", scope)
                .expiresIn(3600));
    }

    public static String expired(String tenant) {
        return sign(Jwt.issuer(ISSUER).subject("user").claim("tenant", tenant).claim("scope", ALL_SCOPES)
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)));
    }

    public static String wrongIssuer(String tenant) {
        return sign(Jwt.issuer("https://evil.example").subject("user").claim("tenant", tenant).claim("scope", ALL_SCOPES)
                .expiresIn(3600));
    }

    public static String otherKey(String tenant) {
        return Jwt.issuer(ISSUER).subject("user").claim("tenant", tenant).claim("scope", ALL_SCOPES)
                .expiresIn(3600).sign(load("otherPrivateKey.pem"));
    }

    /** Any claims, signed with the test key. */
    public static String signed(io.smallrye.jwt.build.JwtClaimsBuilder claims) {
        return sign(claims);
    }

    /** The same claims, unsigned ({@code alg: none}). */
    public static String algNone(String tenant) {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
        String body = b64.encodeToString(("{\"iss\":\"" + ISSUER + "\",\"sub\":\"user\",\"tenant\":\"" + tenant
                + "\",\"scope\":\"" + ALL_SCOPES + "\",\"exp\":" + (Instant.now().getEpochSecond() + 3600) + "}").getBytes());
        return header + "." + body + ".";
    }

    /** A valid token with its payload altered after signing. */
    public static String tampered(String tenant) {
        String[] parts = person(tenant, "runners:read").split("\\.");
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String body = b64.encodeToString(("{\"iss\":\"" + ISSUER + "\",\"sub\":\"user\",\"tenant\":\"" + tenant
                + "\",\"scope\":\"" + ALL_SCOPES + "\",\"exp\":" + (Instant.now().getEpochSecond() + 3600) + "}").getBytes());
        return parts[0] + "." + body + "." + parts[2];
    }
}
