package dev.paddock.devdb;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Chooses the database of the dev and test profiles, in the order a Quarkus user expects, without
 * anyone editing a file: explicit configuration → a local PostgreSQL on localhost:5432 that accepts
 * postgres/postgres → Dev Services (when a container runtime is there) → an embedded PostgreSQL.
 * The choice is made once per JVM and says in one line which it was and where.
 */
public final class DevDatabase {

    /** Which database the dev or test profile gets, and the settings that point Quarkus at it. */
    public record Choice(String kind, String where, Map<String, String> settings) {
    }

    // shared by every class loader of this JVM (Quarkus tests load this class more than once)
    private static final String CHOSEN_URL = "devdb.paddock.chosen-url";
    private static final String CHOSEN_KIND = "devdb.paddock.chosen-kind";
    private static final String EMBEDDED_STARTER = "devdb.paddock.embedded-starter";

    private DevDatabase() {
    }

    /**
     * @param profile    {@code dev} or {@code test}
     * @param explicit   the datasource URL someone configured, if any
     * @param dataDir    where an embedded database keeps its files; empty for a throwaway one
     * @param devServices whether Quarkus Dev Services can start a container here (dev mode, tests)
     */
    public static synchronized Choice choose(String profile, Optional<String> explicit, Optional<Path> dataDir,
                                             boolean devServices) {
        if (explicit.filter(url -> !url.isBlank()).isPresent()) {
            return new Choice("configured", explicit.get(), Map.of());
        }
        String database = "test".equals(profile) ? "test" : "paddock";
        String chosen = System.getProperty(CHOSEN_URL);
        if (chosen != null) {
            return choice(System.getProperty(CHOSEN_KIND), chosen);
        }
        Choice choice;
        if (localPostgresAccepts("localhost", 5432, "postgres", "postgres")) {
            ensureDatabase("jdbc:postgresql://localhost:5432/postgres", "postgres", "postgres", database);
            choice = choice("local", "jdbc:postgresql://localhost:5432/" + database);
        } else if (devServices && containerRuntime().isPresent()) {
            return new Choice("dev-services", containerRuntime().get(), Map.of());
        } else {
            choice = choice("embedded", startEmbedded(dataDir, database));
        }
        System.setProperty(CHOSEN_URL, choice.where());
        System.setProperty(CHOSEN_KIND, choice.kind());
        return choice;
    }

    /**
     * Reached by a name read at run time, not by a call: the native image (prod only) is built
     * without zonky's classes, and a direct call would make its analysis parse them and fail.
     */
    private static String startEmbedded(Optional<Path> dataDir, String database) {
        String starter = System.getProperty(EMBEDDED_STARTER, "dev.paddock.devdb.EmbeddedPostgres");
        try {
            return (String) Class.forName(starter).getDeclaredMethod("start", Optional.class, String.class)
                    .invoke(null, dataDir, database);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("no embedded PostgreSQL in this build (dev and test only)", e);
        }
    }

    private static Choice choice(String kind, String url) {
        boolean local = "local".equals(kind);
        return new Choice(kind, url, Map.of(
                "quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", local ? "postgres" : ""));
    }

    static boolean localPostgresAccepts(String host, int port, String user, String password) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 300);
        } catch (IOException e) {
            return false;
        }
        try (Connection ignored = connect("jdbc:postgresql://" + host + ":" + port + "/postgres", user, password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    static void ensureDatabase(String adminUrl, String user, String password, String database) {
        try (Connection connection = connect(adminUrl, user, password);
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet row = exists.executeQuery()) {
                if (!row.next()) {
                    // a name of our own making, not input: no quoting beyond the identifier's
                    connection.createStatement().execute("CREATE DATABASE \"" + database + "\"");
                }
            }
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another JVM
                throw new IllegalStateException("could not create database " + database + " (SQLState " + e.getSQLState() + ")", e);
            }
        }
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("loginTimeout", "3");
        return DriverManager.getConnection(url, properties);
    }

    /** What Testcontainers (Dev Services) would talk to: DOCKER_HOST, or a Docker or Podman socket. */
    static Optional<String> containerRuntime() {
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return Optional.of(dockerHost);
        }
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        for (String socket : new String[]{"/var/run/docker.sock", "/run/podman/podman.sock",
                runtimeDir == null ? null : runtimeDir + "/podman/podman.sock",
                runtimeDir == null ? null : runtimeDir + "/docker.sock"}) {
            if (socket != null && Files.exists(Path.of(socket))) {
                return Optional.of("unix://" + socket);
            }
        }
        return Optional.empty();
    }
}
