package dev.paddock.auth;

import dev.paddock.db.Transactions;
import dev.paddock.runner.RunnerTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * API keys: {@code pk_} + 256 random bits in base64url, stored as their SHA-256 only. A key is
 * looked up on every call, with no cache, so a deleted key fails at once on every replica; its
 * {@code last_used_at} is written at most once a minute.
 */
@ApplicationScoped
public class ApiKeyCredentials {

    public static final String PREFIX = "pk_";
    private static final int DISPLAY_PREFIX_LENGTH = 11;
    private static final String FIND = """
            SELECT id, tenant, scopes, created_by, expires_at, expires_at IS NOT NULL AND expires_at <= now() AS expired,
                   last_used_at IS NULL OR last_used_at < now() - interval '1 minute' AS stale
              FROM api_keys WHERE key_hash = ?""";

    @Inject
    Transactions transactions;

    public record Issued(String key, byte[] hash, String displayPrefix) {
    }

    public static Issued issue() {
        String key = RunnerTokens.random(PREFIX);
        return new Issued(key, RunnerTokens.hash(key), key.substring(0, DISPLAY_PREFIX_LENGTH));
    }

    public static boolean looksLikeKey(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The person a live key acts as: its tenant, its scopes, its creator's name; empty when unknown or expired. */
    public Optional<Person> authenticate(String key) {
        return transactions.run(connection -> {
            try (PreparedStatement find = connection.prepareStatement(FIND)) {
                find.setBytes(1, RunnerTokens.hash(key));
                try (ResultSet row = find.executeQuery()) {
                    if (!row.next() || row.getBoolean("expired")) {
                        return Optional.empty();
                    }
                    UUID id = row.getObject("id", UUID.class);
                    if (row.getBoolean("stale")) {
                        try (PreparedStatement used = connection.prepareStatement(
                                "UPDATE api_keys SET last_used_at = now() WHERE id = ?")) {
                            used.setObject(1, id);
                            used.executeUpdate();
                        }
                    }
                    String[] scopes = (String[]) row.getArray("scopes").getArray();
                    java.time.OffsetDateTime expires = row.getObject("expires_at", java.time.OffsetDateTime.class);
                    return Optional.of(new Person(row.getString("created_by"), row.getString("tenant"),
                            Scopes.expand(Arrays.asList(scopes)), id, expires == null ? null : expires.toInstant()));
                }
            }
        });
    }
}
