package dev.paddock.runneragent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The runner's configuration file ({@code runner.json}: {@code server_url}, {@code runner_id},
 * {@code token}, {@code labels}, optionally {@code concurrency} and {@code work_dir}), as the
 * install script and {@code paddock-agent register} write it: readable by its owner only.
 */
final class ConfigFile {

    /** The file is missing, unreadable or not a JSON object; the message names it. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private ConfigFile() {
    }

    static ObjectNode read(Path file) throws Invalid {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Invalid("config file " + file + " not found");
        } catch (AccessDeniedException e) {
            throw new Invalid("config file " + file + " is not readable (permission denied)");
        } catch (IOException e) {
            throw new Invalid("config file " + file + " is not readable: " + e.getMessage());
        }
        JsonNode json;
        try {
            json = PaddockClient.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new Invalid("config file " + file + " is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new Invalid("config file " + file + " is not a JSON object");
        }
        return (ObjectNode) json;
    }

    /** Writes the file with mode 0600 from its first byte (a new file, moved over the old one). */
    static void write(Path file, ObjectNode config) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path temporary = posix
                ? Files.createTempFile(directory, ".runner", ".json", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(directory, ".runner", ".json");
        try {
            Files.write(temporary, PaddockClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
