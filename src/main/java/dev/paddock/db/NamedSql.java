package dev.paddock.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SQL written with {@code :name} parameters, as JDBC's positional {@code ?} and the name of each,
 * so statements stay readable while running on plain JDBC. A {@code ::} cast
 * is not a parameter. Parsed once per statement text.
 */
public record NamedSql(String jdbc, List<String> names) {

    private static final Pattern PARAMETER = Pattern.compile("(?<!:):([A-Za-z][A-Za-z0-9]*)");
    private static final Map<String, NamedSql> PARSED = new ConcurrentHashMap<>();

    public static NamedSql of(String sql) {
        return PARSED.computeIfAbsent(sql, NamedSql::parse);
    }

    public static NamedSql parse(String sql) {
        List<String> names = new ArrayList<>();
        Matcher parameter = PARAMETER.matcher(sql);
        String jdbc = parameter.replaceAll(found -> {
            names.add(found.group(1));
            return "?";
        });
        return new NamedSql(jdbc, List.copyOf(names));
    }

    /** The statement with every occurrence of every name bound; a name without a value is a bug. */
    public PreparedStatement prepare(Connection connection, Map<String, Object> values) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(jdbc);
        try {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (!values.containsKey(name)) {
                    throw new IllegalArgumentException("no value for :" + name);
                }
                statement.setObject(i + 1, values.get(name));
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
