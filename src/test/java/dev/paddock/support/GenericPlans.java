package dev.paddock.support;

import dev.paddock.db.NamedSql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The plan PostgreSQL keeps for a prepared statement once it stops planning it per call: a
 * generic plan, made without the parameters' values, as the service's statements run after their
 * first executions on a connection. Asked for with some of the schema changed first (e.g. an
 * index dropped, to see what else the planner could use), in a transaction that is rolled back.
 */
public final class GenericPlans {

    /**
     * A scan of the whole table made the planner's last resort: on a small table it rightly prefers
     * one, and what else could find the rows would not show in the plan.
     */
    public static final String TABLE_SCAN_LAST = "SET LOCAL enable_seqscan = off";

    /**
     * Changes that leave the planner no index of the jobs that leads with the tenant, and a scan of
     * the whole table as its last resort: what else could narrow a scan shows in the plan.
     */
    public static final List<String> JOBS_WITHOUT_TENANT_INDEXES = List.of(TABLE_SCAN_LAST,
            "DROP INDEX ix_jobs_queue", "DROP INDEX ix_jobs_tenant_status_created", "DROP INDEX ix_jobs_tenant_created",
            "DROP INDEX ix_jobs_tenant_repository_created", "DROP INDEX ix_jobs_tenant_started",
            "DROP INDEX uq_jobs_idempotency");

    private GenericPlans() {
    }

    /** The parameters' types, name and type after name and type, in the statement's terms. */
    public static Map<String, String> types(String... namesAndTypes) {
        Map<String, String> types = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            types.put(namesAndTypes[i], namesAndTypes[i + 1]);
        }
        return types;
    }

    /** {@link #of} with the schema as it is. */
    public static String of(DataSource dataSource, String sql, Map<String, String> types) throws SQLException {
        return of(dataSource, sql, types, List.of());
    }

    /** The lines of {@code plan} under its CTE named {@code name}. */
    public static String cte(String plan, String name) {
        List<String> lines = plan.lines().toList();
        StringBuilder section = new StringBuilder();
        int indent = -1;
        for (String line : lines) {
            int depth = line.length() - line.stripLeading().length();
            if (indent < 0) {
                if (line.strip().equals("CTE " + name)) {
                    indent = depth;
                }
            } else if (depth > indent) {
                section.append(line).append('\n');
            } else {
                break;
            }
        }
        if (indent < 0) {
            throw new IllegalArgumentException("no CTE " + name + " in\n" + plan);
        }
        return section.toString();
    }

    /**
     * The text of {@code EXPLAIN (COSTS OFF)} for {@code sql} (with {@code :name} parameters, each
     * typed by {@code types}, in that map's order), after {@code changes} ran in the same
     * transaction.
     */
    public static String of(DataSource dataSource, String sql, Map<String, String> types, List<String> changes)
            throws SQLException {
        // the service's own reading of :name parameters, each occurrence a ? in order, numbered by name here
        NamedSql parsed = NamedSql.parse(sql);
        List<String> typed = new ArrayList<>(types.keySet());
        StringBuilder numbered = new StringBuilder();
        int occurrence = 0;
        for (char c : parsed.jdbc().toCharArray()) {
            if (c != '?') {
                numbered.append(c);
                continue;
            }
            String name = parsed.names().get(occurrence++);
            if (!typed.contains(name)) {
                throw new IllegalArgumentException("no type for :" + name);
            }
            numbered.append('$').append(typed.indexOf(name) + 1);
        }
        String prepared = "plan_under_test";
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                for (String change : changes) {
                    statement.execute(change);
                }
                statement.execute("SET LOCAL plan_cache_mode = force_generic_plan");
                statement.execute("PREPARE " + prepared + " (" + String.join(", ", types.values()) + ") AS " + numbered);
                String nulls = types.values().stream().map(type -> "NULL::" + type).collect(Collectors.joining(", "));
                StringBuilder plan = new StringBuilder();
                try (ResultSet rows = statement.executeQuery("EXPLAIN (COSTS OFF) EXECUTE " + prepared + " (" + nulls + ")")) {
                    while (rows.next()) {
                        plan.append(rows.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            } finally {
                connection.rollback();
                // a prepared statement outlives its transaction: the pooled connection must not keep it
                try (ResultSet left = statement.executeQuery("SELECT count(*) FROM pg_prepared_statements WHERE name = '"
                        + prepared + "'")) {
                    left.next();
                    if (left.getInt(1) > 0) {
                        statement.execute("DEALLOCATE " + prepared);
                    }
                }
                connection.setAutoCommit(true);
            }
        }
    }
}
