package dev.paddock.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Opens a job's live log stream and collects the raw event text until {@code event: end}. */
public final class LogStreamClient {

    private LogStreamClient() {
    }

    /** Connects now (the answer's status is checked here) and reads on another thread. */
    public static CompletableFuture<String> open(String baseUrl, String jobId, String jwt, String lastEventId)
            throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(baseUrl.replaceAll("/$", "")
                + "/api/jobs/" + jobId + "/logs/stream").toURL().openConnection();
        connection.setRequestProperty("Authorization", "Bearer " + jwt);
        connection.setRequestProperty("Accept", "text/event-stream");
        if (lastEventId != null) {
            connection.setRequestProperty("Last-Event-ID", lastEventId);
        }
        connection.setReadTimeout(20_000);
        if (connection.getResponseCode() != 200) {
            throw new IllegalStateException("stream answered " + connection.getResponseCode());
        }
        return Background.call(() -> {
            StringBuilder all = new StringBuilder();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    all.append(line).append('\n');
                    if (line.startsWith("event:") && line.contains("end")) {
                        break;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return all.toString();
        });
    }
}
