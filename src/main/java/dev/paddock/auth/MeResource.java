package dev.paddock.auth;

import dev.paddock.common.Times;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

/** Who calls: what the caller's credential may do (the dashboard asks before it shows anything). */
@Path("/api/me")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Who calls", description = "What the caller's credential may do")
@SecurityRequirement(name = "jwt")
public class MeResource {

    @Schema(name = "Me", description = "kind: person (a JWT) or api_key; scopes with their implied ones "
            + "(runners:manage includes runners:read); expires_at: the JWT's exp or the key's expiry, null for none.")
    public record Me(String kind, String subject, String tenant, List<String> scopes, Instant expiresAt) {
    }

    @Inject
    Authenticator auth;

    @GET
    @Operation(summary = "Who calls", description = "A JWT or an API key -> {kind, subject, tenant, scopes, expires_at}.")
    @PersonAccess
    public Me me() {
        Person person = auth.person();
        return new Me(person.viaApiKey() ? "api_key" : "person", person.subject(), person.tenant(),
                person.scopes().stream().sorted().toList(), Times.out(person.expiresAt()));
    }
}
