package dev.paddock.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.sql.ResultSet;
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

    static DeliveryView read(ResultSet row) throws SQLException {
        String status = row.getString("status");
        return new DeliveryView(row.getObject("id", UUID.class), row.getObject("event_id", UUID.class),
                row.getString("event_type"), status, row.getInt("attempts"),
                (Integer) row.getObject("last_status_code"), row.getString("last_error"),
                row.getString("last_response"), WebhookView.instant(row, "last_attempt_at"),
                "pending".equals(status) ? WebhookView.instant(row, "next_attempt_at") : null,
                (Integer) row.getObject("duration_ms"));
    }

    @Schema(name = "WebhookDeliveryPage")
    public record Page(List<DeliveryView> deliveries, long total, int limit, int offset,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer page,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer perPage) {
    }
}
