package dev.paddock.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.paddock.common.IsoTimestamps;

import java.lang.reflect.Type;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A row's values by column name, as JDBC answers them or as PostgreSQL's {@code to_jsonb(row)}
 * wrote them: an event keeps the row it is about as such a snapshot, and reading the snapshot's
 * JSON here costs PostgreSQL nothing, where {@code jsonb_populate_record} turned every value back
 * into its column type and then into text (a third of what a webhook cost the database). A
 * table's reader reads both alike. A column the snapshot lacks (it was removed from it, or added
 * to the table later) reads as null, as SQL null does: 0 and false for the primitive readers.
 */
public sealed interface Columns {

    String string(String column) throws SQLException;

    UUID uuid(String column) throws SQLException;

    /** The column's integer, 0 when null (as {@link ResultSet#getInt}). */
    int integer(String column) throws SQLException;

    Integer integerOrNull(String column) throws SQLException;

    /** The column's bigint, 0 when null (as {@link ResultSet#getLong}). */
    long bigint(String column) throws SQLException;

    Long bigintOrNull(String column) throws SQLException;

    /** The column's boolean, false when null (as {@link ResultSet#getBoolean}). */
    boolean bool(String column) throws SQLException;

    Instant instant(String column) throws SQLException;

    List<String> strings(String column) throws SQLException;

    List<UUID> uuids(String column) throws SQLException;

    byte[] bytes(String column) throws SQLException;

    /** A json or jsonb column's value as {@code type}. */
    <T> T json(String column, TypeReference<T> type) throws SQLException;

    /** The row a result set is on. */
    static Columns of(ResultSet row) {
        return new Jdbc(row);
    }

    /** A row's snapshot, as {@code to_jsonb(row)} wrote it (a JSON object keyed by column). */
    static Columns of(JsonNode snapshot) {
        return new Snapshot(snapshot);
    }

    /** A row's snapshot in its text form. */
    static Columns ofSnapshot(String snapshot) throws SQLException {
        try {
            return new Snapshot(Mapper.JSON.readTree(snapshot));
        } catch (JsonProcessingException e) {
            throw new SQLException("a row's snapshot is not JSON", e);
        }
    }

    /** Reading a column's JSON into maps and lists takes none of the service's mapper settings. */
    final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
        private static final Map<Type, ObjectReader> READERS = new ConcurrentHashMap<>();

        private Mapper() {
        }

        /**
         * A reader of the type, made once: resolving the type at every read was a third of reading
         * a job's JSON columns (a profile of the lifecycle load). Keyed by the type itself, so a
         * reference made at each call still finds it.
         */
        static ObjectReader reader(TypeReference<?> type) {
            return READERS.computeIfAbsent(type.getType(), ignored -> JSON.readerFor(type));
        }
    }

    record Jdbc(ResultSet row) implements Columns {

        @Override
        public String string(String column) throws SQLException {
            return row.getString(column);
        }

        @Override
        public UUID uuid(String column) throws SQLException {
            return row.getObject(column, UUID.class);
        }

        @Override
        public int integer(String column) throws SQLException {
            return row.getInt(column);
        }

        @Override
        public Integer integerOrNull(String column) throws SQLException {
            return row.getObject(column, Integer.class);
        }

        @Override
        public long bigint(String column) throws SQLException {
            return row.getLong(column);
        }

        @Override
        public Long bigintOrNull(String column) throws SQLException {
            return row.getObject(column, Long.class);
        }

        @Override
        public boolean bool(String column) throws SQLException {
            return row.getBoolean(column);
        }

        @Override
        public Instant instant(String column) throws SQLException {
            OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
            return value == null ? null : value.toInstant();
        }

        @Override
        public List<String> strings(String column) throws SQLException {
            Array array = row.getArray(column);
            return array == null ? null : Arrays.asList((String[]) array.getArray());
        }

        @Override
        public List<UUID> uuids(String column) throws SQLException {
            Array array = row.getArray(column);
            return array == null ? null : Arrays.asList((UUID[]) array.getArray());
        }

        @Override
        public byte[] bytes(String column) throws SQLException {
            return row.getBytes(column);
        }

        @Override
        public <T> T json(String column, TypeReference<T> type) throws SQLException {
            String text = row.getString(column);
            if (text == null) {
                return null;
            }
            try {
                return Mapper.reader(type).readValue(text);
            } catch (JsonProcessingException e) {
                throw new SQLException("the JSON column " + column + " does not parse", e);
            }
        }
    }

    record Snapshot(JsonNode row) implements Columns {

        private JsonNode value(String column) {
            JsonNode value = row.get(column);
            return value == null || value.isNull() ? null : value;
        }

        @Override
        public String string(String column) {
            JsonNode value = value(column);
            return value == null ? null : value.asText();
        }

        @Override
        public UUID uuid(String column) throws SQLException {
            String value = string(column);
            try {
                return value == null ? null : UUID.fromString(value);
            } catch (IllegalArgumentException e) {
                throw new SQLException("the snapshot's " + column + " is not a UUID", e);
            }
        }

        @Override
        public int integer(String column) {
            JsonNode value = value(column);
            return value == null ? 0 : value.asInt();
        }

        @Override
        public Integer integerOrNull(String column) {
            JsonNode value = value(column);
            return value == null ? null : value.asInt();
        }

        @Override
        public long bigint(String column) {
            JsonNode value = value(column);
            return value == null ? 0 : value.asLong();
        }

        @Override
        public Long bigintOrNull(String column) {
            JsonNode value = value(column);
            return value == null ? null : value.asLong();
        }

        @Override
        public boolean bool(String column) {
            JsonNode value = value(column);
            return value != null && value.asBoolean();
        }

        @Override
        public Instant instant(String column) throws SQLException {
            String value = string(column);
            try {
                // PostgreSQL writes a timestamptz in JSON as ISO 8601 with its offset; the general
                // parser was a tenth of a webhook's sending (bench/RESULTS.md)
                return value == null ? null : IsoTimestamps.parse(value);
            } catch (DateTimeParseException e) {
                throw new SQLException("the snapshot's " + column + " is not a timestamp", e);
            }
        }

        @Override
        public List<String> strings(String column) {
            JsonNode value = value(column);
            if (value == null) {
                return null;
            }
            List<String> strings = new ArrayList<>(value.size());
            value.forEach(entry -> strings.add(entry.isNull() ? null : entry.asText()));
            return strings;
        }

        @Override
        public List<UUID> uuids(String column) {
            List<String> strings = strings(column);
            return strings == null ? null : strings.stream().map(UUID::fromString).toList();
        }

        @Override
        public byte[] bytes(String column) throws SQLException {
            String value = string(column);
            if (value == null) {
                return null;
            }
            if (!value.startsWith("\\x")) {
                throw new SQLException("the snapshot's " + column + " is not bytea in hex");
            }
            return HexFormat.of().parseHex(value, 2, value.length());
        }

        @Override
        public <T> T json(String column, TypeReference<T> type) throws SQLException {
            JsonNode value = value(column);
            try {
                return value == null ? null : Mapper.reader(type).readValue(value);
            } catch (java.io.IOException e) {
                throw new SQLException("the snapshot's " + column + " is not " + type.getType(), e);
            }
        }
    }
}
