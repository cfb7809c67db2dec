package dev.paddock.db;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The columns the agent path writes on every call stay out of every index, key or predicate:
 * PostgreSQL then writes each new version of the row beside the old one and touches no index
 * (a heap-only update). One index on a runner's last_heartbeat_at made every heartbeat write an
 * entry into each of the runners' five indexes (bench/RESULTS.md); jobs.lease_expires_at the same
 * into the jobs' eleven. Schema rules as executable checks, on the migrated schema.
 */
@QuarkusTest
class HeapOnlyUpdatesTest {

    /** Indexes (by name) whose key, expression or predicate uses the column. */
    private static final String INDEXES_USING = """
            SELECT i.relname FROM pg_index x
              JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = ?
             WHERE t.relname = ? AND (a.attnum = ANY (x.indkey)
                OR pg_get_expr(x.indexprs, x.indrelid) ~ ('\\m' || a.attname || '\\M')
                OR pg_get_expr(x.indpred, x.indrelid) ~ ('\\m' || a.attname || '\\M'))""";

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aHeartbeatsTimeIsInNoIndexOfTheRunners() throws Exception {
        assertThat(indexesUsing("runners", "last_heartbeat_at")).isEmpty();
        assertThat(indexesUsing("runners", "system_info")).isEmpty();
        assertThat(indexesUsing("runners", "updated_at")).isEmpty();
    }

    @Test
    void aLeaseRenewalIsInNoIndexOfTheJobs() throws Exception {
        assertThat(indexesUsing("jobs", "lease_expires_at")).isEmpty();
        assertThat(indexesUsing("jobs", "updated_at")).isEmpty();
    }

    @Test
    void theRuleSeesAnIndexThatUsesTheColumn() throws Exception {
        // the check above would pass on a misspelt table or column: it must find the ones that exist
        assertThat(indexesUsing("runners", "token_hash")).containsExactly("uq_runners_token_hash");
        assertThat(indexesUsing("runners", "first_claim_at")).containsExactly("ix_runners_ephemeral_unused");
    }

    private List<String> indexesUsing(String table, String column) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(INDEXES_USING)) {
            select.setString(1, column);
            select.setString(2, table);
            List<String> names = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return names;
        }
    }
}
