package dev.paddock.queue;

import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.Scopes;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The queue by label set, for people and autoscalers. */
@Path("/api/queue")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs")
@SecurityRequirement(name = "jwt")
public class QueueResource {

    @Inject
    Authenticator auth;

    @Inject
    QueueSnapshot snapshot;

    @GET
    @Operation(summary = "The queue by label set", description = "queued, oldest_wait_ms, wait_p50_ms and wait_p95_ms (queued to claimed, over the jobs claimed in the last hour; null when none was), running, runners_available, runners_busy per label set, for the label sets of jobs queued or running now or claimed in the last hour; the same figures are Prometheus gauges (paddock_queue_*) at /q/metrics on the management interface (port 9000), not on this port.")
    @PersonAccess(Scopes.JOBS_READ)
    public QueueSnapshot.Queues queues() {
        Person person = auth.person();
        return new QueueSnapshot.Queues(snapshot.take(person.tenant()));
    }
}
