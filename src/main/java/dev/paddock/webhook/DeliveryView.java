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
 * One event's delivery to one webhook, with its last attempt: {@code last_response} is at most
 * 1 KiB of what the receiver answered; {@code next_attempt_at} only while it is pending.
 */
@Schema(name = "WebhookDelivery")
public record DeliveryView(UUID id, UUID eventId, String eventType, String status, int attempts,
                           Integer lastStatusCode, String lastError, String lastResponse, Instant lastAttemptAt,
                           Instant nextAttemptAt, Integer durationMs) {

    static DeliveryView read(Columns row) throws SQLException {
        String status = row.string("status");
        return new DeliveryView(row.uuid("id"), row.uuid("event_id"), row.string("event_type"), status,
                row.integer("attempts"), row.integerOrNull("last_status_code"), row.string("last_error"),
                row.string("last_response"), Times.out(row.instant("last_attempt_at")),
                "pending".equals(status) ? Times.out(row.instant("next_attempt_at")) : null,
                row.integerOrNull("duration_ms"));
    }

    @Schema(name = "WebhookDeliveryPage")
    public record Page(List<DeliveryView> deliveries, long total, int limit, int offset,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer page,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer perPage) {
    }
}
