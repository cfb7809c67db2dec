package dev.paddock.runner;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A runner's status and free slots are derived from its row when read, at no cost to its writers:
 * {@code runners} stores no generated column (PostgreSQL prepares each one's expression at every
 * UPDATE of the table, 13-25 % more for a one-row update: bench/RESULTS.md), and the functions
 * that derive them are inlined into the statements that read them, so a kept plan evaluates plain
 * expressions over the row instead of calling a function per row.
 */
@QuarkusTest
class RunnerStateTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void anUpdateOfARunnerComputesNoColumn() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT count(*) FROM pg_attribute
                      WHERE attrelid = 'runners'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated <> ''""")) {
            rows.next();
            assertThat(rows.getInt(1)).isZero();
        }
    }

    @Test
    void theStatusAndTheSlotsAreExpressionsOfTheRowInAKeptPlan() throws Exception {
        String plan = verbose("SELECT " + RunnerState.COLUMNS + " FROM runners r WHERE r.id = $1 AND "
                + RunnerState.TAKES_WORK + " AND " + RunnerState.BUSY);
        assertThat(plan).contains("CASE WHEN").contains("reported_status").contains("max_concurrency")
                .doesNotContain("runner_status").doesNotContain("runner_free_slots");
    }

    @Test
    void theCheckSeesAFunctionThatIsNotInlined() throws Exception {
        // the check above would pass on a plan that shows no output: it must see a call when there is one
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                statement.execute("ALTER FUNCTION runner_status(runners) VOLATILE STRICT");
                assertThat(verbose(connection, "SELECT " + RunnerState.STATUS + " FROM runners r WHERE r.id = $1"))
                        .contains("runner_status(r.*)");
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    private String verbose(String sql) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            return verbose(connection, sql);
        }
    }

    /** The verbose plan PostgreSQL keeps for {@code sql}, whose one parameter is a runner's id. */
    private static String verbose(Connection connection, String sql) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET plan_cache_mode = force_generic_plan");
            statement.execute("PREPARE runner_state_plan (uuid) AS " + sql);
            try (ResultSet rows = statement.executeQuery(
                    "EXPLAIN (VERBOSE, COSTS OFF) EXECUTE runner_state_plan (NULL)")) {
                StringBuilder plan = new StringBuilder();
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
                return plan.toString();
            } finally {
                statement.execute("DEALLOCATE runner_state_plan");
                statement.execute("RESET plan_cache_mode");
            }
        }
    }
}
