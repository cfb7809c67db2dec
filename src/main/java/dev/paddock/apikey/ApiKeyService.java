package dev.paddock.apikey;

import dev.paddock.db.Columns;
import dev.paddock.auth.ApiKeyCredentials;
import dev.paddock.auth.Person;
import dev.paddock.auth.Scopes;
import dev.paddock.common.IsoTimestamps;
import dev.paddock.common.PageRequest;
import dev.paddock.db.Transactions;
import dev.paddock.event.EventStore;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Creating, listing and deleting a tenant's API keys; a key itself never manages keys. */
@ApplicationScoped
public class ApiKeyService {

    private static final String COLUMNS = "id, name, scopes, prefix, created_at, expires_at, last_used_at";

    /**
     * The keys a person acts on: their own; with api-keys:manage, every key of the tenant. Another
     * person's key is then not found, as another tenant's is.
     */
    private static final String KEYS_OF_CALLER = "tenant = ? AND (? OR created_by = ?)";

    /** A new key, and its event in the same statement. */
    private static final String CREATE = """
            WITH created AS (
                INSERT INTO api_keys (id, tenant, name, scopes, prefix, key_hash, created_by, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                RETURNING *),
            """ + EventStore.API_KEY_CREATED + """

            SELECT * FROM created""";

    /**
     * A key the caller may act on ({@link #KEYS_OF_CALLER}) deleted, and its event in the same
     * statement; answers how many.
     */
    private static final String REVOKE = """
            WITH revoked AS (
                DELETE FROM api_keys
                 WHERE id = ? AND (
            """ + KEYS_OF_CALLER + """
                 )
                RETURNING *),
            """ + EventStore.API_KEY_REVOKED + """

            SELECT count(*) FROM revoked""";

    @Inject
    Transactions transactions;

    public ApiKeyView.Created create(Person person, ApiKeyRequests.Create request) {
        refuseKeys(person);
        List<String> scopes = request.scopes().stream().map(String::trim).distinct().toList();
        List<String> notHeld = scopes.stream().filter(scope -> !person.has(scope)).toList();
        if (!notHeld.isEmpty()) {
            throw ProblemException.forbidden("A key can hold only scopes its creator holds; you do not hold "
                    + String.join(", ", notHeld) + ".");
        }
        Instant expiresAt = expiry(request.expiresAt());
        ApiKeyCredentials.Issued issued = ApiKeyCredentials.issue();
        ApiKeyView view = one(CREATE,
                UUID.randomUUID(), person.tenant(), request.name().trim(), scopes.toArray(String[]::new),
                issued.displayPrefix(), issued.hash(), person.subject(),
                expiresAt == null ? null : java.sql.Timestamp.from(expiresAt));
        return new ApiKeyView.Created(view, issued.key());
    }

    public ApiKeyView.Page list(Person person, PageRequest page) {
        refuseKeys(person);
        return transactions.run(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + ", count(*) OVER () AS total FROM api_keys WHERE " + KEYS_OF_CALLER
                    + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?")) {
                int next = keysOfCaller(select, person, 1);
                select.setInt(next, page.limit());
                select.setInt(next + 1, page.offset());
                List<ApiKeyView> keys = new ArrayList<>();
                long total = -1;
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        keys.add(ApiKeyView.read(Columns.of(rows)));
                        total = rows.getLong("total");
                    }
                }
                if (total < 0) {
                    total = count(connection, person);
                }
                return new ApiKeyView.Page(keys, total, page.limit(), page.offset(), page.page(), page.perPage());
            }
        });
    }

    /** Deleted, so it fails on every replica from the next call: keys are not cached. */
    public void delete(Person person, UUID id) {
        refuseKeys(person);
        transactions.run(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(REVOKE)) {
                delete.setObject(1, id);
                keysOfCaller(delete, person, 2);
                try (ResultSet revoked = delete.executeQuery()) {
                    revoked.next();
                    if (revoked.getLong(1) == 0) {
                        throw ProblemException.notFound("API key");
                    }
                }
            }
            return null;
        });
    }


    /** Binds {@link #KEYS_OF_CALLER} from parameter {@code first}; answers the next parameter's index. */
    private static int keysOfCaller(PreparedStatement statement, Person person, int first) throws SQLException {
        statement.setString(first, person.tenant());
        statement.setBoolean(first + 1, person.has(Scopes.API_KEYS_MANAGE));
        statement.setString(first + 2, person.subject());
        return first + 3;
    }

    private static void refuseKeys(Person person) {
        if (person.viaApiKey()) {
            throw ProblemException.forbidden("An API key cannot manage API keys; use a person's JWT.");
        }
    }

    private static Instant expiry(String text) {
        if (text == null) {
            return null;
        }
        Instant expiresAt;
        try {
            expiresAt = IsoTimestamps.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("expires_at", "must be an ISO-8601 timestamp with an offset");
        }
        if (!expiresAt.isAfter(Instant.now())) {
            throw ProblemException.invalid("expires_at", "must be in the future");
        }
        return expiresAt;
    }

    private long count(Connection connection, Person person) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM api_keys WHERE " + KEYS_OF_CALLER)) {
            keysOfCaller(count, person, 1);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private ApiKeyView one(String sql, Object... values) {
        return transactions.run(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    statement.setObject(i + 1, values[i]);
                }
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return ApiKeyView.read(Columns.of(row));
                }
            }
        });
    }
}
