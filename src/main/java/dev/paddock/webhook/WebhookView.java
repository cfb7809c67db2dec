package dev.paddock.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paddock.common.OpenApiSchemas;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import dev.paddock.common.Times;
import dev.paddock.db.Columns;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook as people see it: never its secret. {@code last_delivery_at} is its last successful
 * delivery; {@code failing_since} the first failed attempt after that (null while it succeeds).
 */
public record WebhookView(UUID id, String url, List<String> events, String description, boolean active,
                          Instant createdAt, Instant lastDeliveryAt, Instant failingSince) {

    /** A row of {@code webhooks} (or a snapshot of one rendered back into a row). */
    public static WebhookView read(Columns row) throws SQLException {
        return new WebhookView(row.uuid("id"), row.string("url"), row.strings("events"), row.string("description"),
                row.bool("active"), Times.out(row.instant("created_at")), Times.out(row.instant("last_delivery_at")),
                Times.out(row.instant("failing_since")));
    }

    /** The answer to a creation: the secret is shown here and never again. */
    @Schema(name = "WebhookCreated")
    public record Created(WebhookView webhook, String secret) {
    }

    @Schema(name = "WebhookOne")
    public record One(WebhookView webhook) {
    }

    @Schema(name = "WebhookSecret")
    public record Secret(String secret) {
    }

    @Schema(name = "WebhookPage")
    public record Page(List<WebhookView> webhooks, long total, int limit, int offset,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer page,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer perPage) {
    }
}
