package dev.paddock.security;

import dev.paddock.support.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runner tokens and API keys are stored only as hashes and job secrets only encrypted: after a
 * job that used all three, no row of any table holds one of them, as text or as bytes.
 */
@QuarkusTest
public class StoredCredentialsTest {

    @Inject
    AgroalDataSource database;

    @Test
    void noTableHoldsATokenAKeyOrASecretInTheClear() throws SQLException {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("stored"), 1);
        String key = api.person().body(Map.of("name", "k", "scopes", List.of("jobs:manage")))
                .post("/api/api-keys").then().statusCode(201).extract().path("key");
        String secret = "clear-secret-" + System.nanoTime();
        api.enqueue(Map.of("type", "t", "labels", List.of("stored"), "secrets", Map.of("DEPLOY_TOKEN", secret)));
        Map<String, Object> claimed = Api.claimOne(runner.token());
        String job = "/api/runners/jobs/" + claimed.get("id");
        Api.runner(runner.token()).header("X-Lease-Id", claimed.get("lease_id")).get(job + "/secrets")
                .then().statusCode(200);
        Api.runner(runner.token()).header("X-Lease-Id", claimed.get("lease_id"))
                .body(Map.of("lines", List.of("deploying with " + secret))).post(job + "/logs").then().statusCode(200);

        List<String> found = new ArrayList<>();
        for (String value : List.of(runner.token(), key, secret)) {
            found.addAll(tablesHolding(value));
        }
        assertThat(found).isEmpty();
        assertThat(tablesHolding(runner.id())).as("the search does find what is stored").contains("runners");
    }

    /** Tables with a row whose JSON form holds the value as text or as the hex of its bytes. */
    private List<String> tablesHolding(String value) throws SQLException {
        String hex = HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8));
        List<String> tables = new ArrayList<>();
        try (Connection connection = database.getConnection()) {
            List<String> all = new ArrayList<>();
            try (ResultSet rows = connection.createStatement().executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
                while (rows.next()) {
                    all.add(rows.getString(1));
                }
            }
            for (String table : all) {
                try (PreparedStatement query = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM \"" + table
                        + "\" t WHERE strpos(row_to_json(t)::text, ?) > 0 OR strpos(row_to_json(t)::text, ?) > 0)")) {
                    query.setString(1, value);
                    query.setString(2, hex);
                    try (ResultSet exists = query.executeQuery()) {
                        exists.next();
                        if (exists.getBoolean(1)) {
                            tables.add(table);
                        }
                    }
                }
            }
        }
        return tables;
    }
}
