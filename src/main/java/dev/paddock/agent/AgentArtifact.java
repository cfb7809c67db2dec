package dev.paddock.agent;

import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code paddock-agent.jar} as a resource of the service's own artifact (the build puts it at
 * {@value #RESOURCE}), and its SHA-256, computed once on first use. The JAR is streamed from the
 * artifact for each download, not held in memory.
 */
@ApplicationScoped
public class AgentArtifact {

    static final String RESOURCE = "agent/paddock-agent.jar";
    public static final String FILE_NAME = "paddock-agent.jar";

    private volatile String sha256;

    /** The JAR's bytes; 404 when this build of the service carries none (an IDE build that skipped the packing). */
    public InputStream open() {
        InputStream jar = Thread.currentThread().getContextClassLoader().getResourceAsStream(RESOURCE);
        if (jar == null) {
            throw ProblemException.notFound("Agent JAR");
        }
        return jar;
    }

    /** Lowercase hex SHA-256 of the JAR. */
    public String sha256() {
        String digest = sha256;
        if (digest == null) {
            digest = digest();
            sha256 = digest;
        }
        return digest;
    }

    private String digest() {
        try (InputStream jar = open()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[64 * 1024];
            int read;
            while ((read = jar.read(chunk)) >= 0) {
                sha.update(chunk, 0, read);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
