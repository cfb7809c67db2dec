package dev.paddock.support;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Set;

/**
 * Tests use the local PostgreSQL (database {@code test}) when one listens on 127.0.0.1:5432;
 * otherwise they leave the URL unset so Quarkus Dev Services start a container. Nobody edits a
 * file to choose. {@code PADDOCK_TEST_JDBC_URL} points the tests elsewhere.
 */
public class LocalPostgresConfigSource implements ConfigSource {

    private final Map<String, String> values;

    public LocalPostgresConfigSource() {
        String explicit = System.getenv("PADDOCK_TEST_JDBC_URL");
        if (explicit != null && !explicit.isBlank()) {
            values = Map.of("%test.quarkus.datasource.jdbc.url", explicit);
        } else if (listening("127.0.0.1", 5432)) {
            values = Map.of(
                    "%test.quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/test",
                    "%test.quarkus.datasource.username", "postgres",
                    "%test.quarkus.datasource.password", "postgres");
        } else {
            values = Map.of();
        }
    }

    private static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "paddock-local-postgres";
    }

    @Override
    public int getOrdinal() {
        // above application.properties (250), below environment variables (300)
        return 275;
    }
}
