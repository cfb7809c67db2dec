package dev.paddock.common;

import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The document's schema of one event of a {@code text/event-stream} answer, as a client's SSE
 * parser reads it (the WHATWG fields; any may be absent): a tool that validates a stream validates
 * each event against it. Never built: the streams write their events with JAX-RS's {@code Sse}.
 */
@Schema(name = "ServerSentEvent", description = "One event of the stream")
public record ServerSentEvent(
        @Schema(description = "The event's sequence: resume after it with Last-Event-ID",
                extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true")) String id,
        @Schema(description = "The event's name, when it has one",
                extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true")) String event,
        @Schema(description = "One line of JSON",
                extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true")) String data,
        @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true")) Integer retry) {
}
