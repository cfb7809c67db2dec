package dev.paddock.agent;

import dev.paddock.auth.PublicAccess;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The reference agent's download, open to anyone: a runner machine has only its runner token, in the install script. */
@Path("/agent")
@Tag(name = "Agent download", description = "paddock-agent, the reference runner agent")
public class AgentArtifactResource {

    static final String JAR_TYPE = "application/java-archive";

    @Inject
    AgentArtifact artifact;

    @GET
    @Path(AgentArtifact.FILE_NAME)
    @Produces({JAR_TYPE, "application/problem+json"})
    @Operation(summary = "The reference agent's JAR", description = "paddock-agent.jar: runs on any Java 21+ runtime. No credential.")
    @PublicAccess
    public Response jar() {
        return Response.ok(artifact.open(), JAR_TYPE)
                .header("Content-Disposition", "attachment; filename=\"" + AgentArtifact.FILE_NAME + "\"")
                .header("X-Checksum-Sha256", artifact.sha256())
                .build();
    }

    @GET
    @Path(AgentArtifact.FILE_NAME + ".sha256")
    @Produces({"text/plain", "application/problem+json"})
    @Operation(summary = "The JAR's SHA-256", description = "`<hex digest>  paddock-agent.jar`, the sha256sum format (check with `sha256sum -c`). No credential.")
    @PublicAccess
    public Response sha256() {
        return Response.ok(artifact.sha256() + "  " + AgentArtifact.FILE_NAME + "\n", "text/plain; charset=utf-8").build();
    }
}
